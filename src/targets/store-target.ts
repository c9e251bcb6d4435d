// The default target: the store itself. Its projection is the per-source SQL view the store keeps
// up to date in the same transaction as every version, and its local edits come through
// `engine.records` (set/new/rm) directly — so scan finds nothing and export writes nothing.
import { emptyExportResult, type Target } from './target.ts';

export function createStoreTarget(): Target {
  return {
    kind: 'store',
    check: async () => [],
    dependencies: async () => [],
    scan: async () => ({ changes: [], scanned: 0, unchanged: 0, waiting: 0 }),
    export: async () => emptyExportResult(),
    close: async () => {},
  };
}
