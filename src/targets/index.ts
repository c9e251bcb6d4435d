// Surface of src/targets/ for other folders (DESIGN.md §3).

export {
  createMarkdownFolderTarget,
  type MarkdownFolderTargetOptions,
} from './markdown-folder/markdown-folder-target.ts';
export { columnNameOf } from './sql-table/column-mapping.ts';
export {
  createSqlTableTarget,
  qualifiedTable,
  type SqlTableTargetOptions,
} from './sql-table/sql-table-target.ts';
export {
  type ColumnKind,
  readTableCatalog,
  type TableCatalog,
  type TableColumn,
} from './sql-table/table-catalog.ts';
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
