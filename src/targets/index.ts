// Surface of src/targets/ for other folders (DESIGN.md §3).

export {
  createSqlTableTarget,
  qualifiedTable,
  type SqlTableTargetOptions,
} from './sql-table/sql-table-target.ts';
export { readTableCatalog, type TableCatalog } from './sql-table/table-catalog.ts';
export { createStoreTarget } from './store-target.ts';
export {
  type ExportFailure,
  type ExportResult,
  emptyExportResult,
  type LocalChange,
  type ScanResult,
  type Target,
  type TargetInput,
  type TargetProblem,
} from './target.ts';
