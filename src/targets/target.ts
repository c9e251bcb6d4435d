// The target seam (DESIGN.md §5 Targets). The store is the hub — records, versions, outbox,
// conflicts and history live there for every source; a target is a projection of one source's
// records into something the user owns (a SQL table, a Markdown folder). Two operations:
// - scan: compare the medium with what was last exported (a per-record hash kept in the engine's
//   namespace, `store.targets`) and report the real local changes; the engine turns them into
//   local edits through the records API, so merge, conflicts, sync keys and the outbox exist once,
//   in sync/. A scan writes nothing: running it twice reports the same changes.
// - export: write the records that changed in the store to the medium and remember, per record,
//   what was written (so the next scan sees only real local changes). Crash-safe: what a crash
//   leaves behind is either re-done by the next export or adopted by the next scan.
// A target knows only its own medium: it never imports sync/.
import type { JsonValue, Source, TargetRecordView } from '../store/index.ts';

/**
 * A change found on the target's side, in property values keyed by property id. `targetHash` and
 * `storeHash` are what to remember once the edit is committed (`targetHash` null: part of the
 * item waits for something, scan it again next time).
 */
/** A page tree's parent page: by id, or by the target item (a file) of a page not yet created. */
export type ParentItem = { pageId: string } | { itemKey: string };

export type LocalChange =
  | {
      kind: 'create';
      /** The item's identity in the target (a row key, a path); it becomes the sync key. */
      itemKey: string;
      values: Record<string, JsonValue>;
      content?: string | null;
      /** Page trees: the page to create the page under. */
      parent?: ParentItem;
      targetHash: string | null;
      storeHash: string;
    }
  | {
      /** Values the item changed (may be empty: the item is only remembered, e.g. adopted). */
      kind: 'update';
      recordId: number;
      itemKey: string;
      values: Record<string, JsonValue>;
      content?: string | null;
      /** Page trees: the item moved under another page (its `itemKey` is the new one). */
      parent?: ParentItem;
      /**
       * The store version the item was last exported from: the edit's common ancestor with
       * Notion (a pull may have moved the record on while the item was being edited).
       */
      baseVersionId?: number;
      targetHash: string | null;
      storeHash: string;
    }
  | {
      /** The item is gone from the target: `trash` the page, `keep` it (detached), or `forget`
       * the bookkeeping of a record that is gone already. */
      kind: 'delete';
      recordId: number;
      itemKey: string;
      action: 'trash' | 'keep' | 'forget';
    };

export interface ScanResult {
  changes: LocalChange[];
  /** Items read from the target. */
  scanned: number;
  /** Items skipped because their hash equals the last exported one. */
  unchanged: number;
  /** Items that wait for something (a referenced row not yet in Notion); scanned again later. */
  waiting: number;
  /** The scan cursor to store once the changes are applied (an `updatedAt` watermark). */
  cursor?: string | null;
  /** Items the target could not read (a broken file), reported with the target's message and
   * skipped; the other changes go on. */
  failed?: { itemKey: string; error: string }[];
}

export interface ExportFailure {
  recordId: number;
  /** The target's own message (a constraint it enforces, a file it cannot write). */
  error: string;
}

export interface ExportResult {
  inserted: number;
  updated: number;
  deleted: number;
  unchanged: number;
  /** Items left in place by a `keep` policy and marked detached. */
  detached: number;
  /** Records the target refused; they are parked with the target's message, the rest go on. */
  failed: ExportFailure[];
  /** Keys the target chose for records created in Notion: the engine writes them back. */
  keys: { recordId: number; key: string }[];
}

/** What a scan or an export sees of the store: the source and its records. */
export interface TargetInput {
  source: Source;
  records: TargetRecordView[];
  /** Property id of the source's sync key property, when the schema has it yet. */
  keyPropertyId: string | null;
  /**
   * Records whose item keeps its local text on export: an open conflict, or a local edit not
   * yet in Notion (the store holds Notion's side meanwhile). Used by the folder target.
   */
  held?: ReadonlySet<number>;
}

/** One problem with a target's configuration against its live medium. */
export interface TargetProblem {
  /** Config key path, e.g. `sources[0].target.columns.Age`. */
  path: string;
  message: string;
}

export interface Target {
  readonly kind: 'store' | 'sql-table' | 'markdown-folder';
  /** Problems of the configuration against the live medium (missing table, type mismatch, …). */
  check(source: Source): Promise<TargetProblem[]>;
  /** Sources this one refers to (foreign keys): they sync first. */
  dependencies(source: Source): Promise<string[]>;
  scan(input: TargetInput): Promise<ScanResult>;
  export(input: TargetInput): Promise<ExportResult>;
  close(): Promise<void>;
}

export function emptyExportResult(): ExportResult {
  return { inserted: 0, updated: 0, deleted: 0, unchanged: 0, detached: 0, failed: [], keys: [] };
}
