// Records: one per Notion page of a source. Reads for the engine (states for the hash skip and
// content decisions, page ids for reconcile), the pull batch commit, and tombstones. A tombstone
// never deletes anything: the record and all its versions stay, and a restore (or the page
// showing up in a pull) clears it so the history simply continues.
import { NotionSyncError } from '../errors.ts';
import {
  type CommitPullBatchInput,
  type CommitPullBatchResult,
  commitPullBatchIn,
} from './pull-batch.ts';
import type { RepositoryContext } from './repository-context.ts';
import { toRecord } from './row-mappers.ts';
import type { StoreRecord, Tombstone } from './store-types.ts';

export interface RecordState {
  recordId: number;
  pageId: string;
  notionHash: string | null;
  notionLastEditedTime: string | null;
  tombstone: Tombstone | null;
  currentVersionId: number | null;
}

export interface TombstoneInput {
  sourceId: number;
  pageIds: string[];
  state: Tombstone;
  /** Only records in this tombstone state change (default: live records). */
  from?: Tombstone;
  runId?: number | null;
}

export interface RecordsRepository {
  /** Commits pulled rows and the checkpoint in one transaction (see pull-batch.ts). */
  commitPullBatch(input: CommitPullBatchInput): Promise<CommitPullBatchResult>;
  /** Stored state of the given pages of a source (missing pages are absent from the map). */
  getStates(sourceId: number, pageIds: string[]): Promise<Map<string, RecordState>>;
  get(recordId: number): Promise<StoreRecord | null>;
  findByPageId(sourceId: number, pageId: string): Promise<StoreRecord | null>;
  /** A record of any source by page id (for `history <page id>`), or by local key. */
  findByKey(key: string): Promise<StoreRecord[]>;
  /**
   * Page ids of the source's records: live ones, tombstoned ones too with `includeTombstoned`,
   * or only those in one tombstone state with `tombstone`; in page id order. `after` and `limit`
   * read them a page at a time (ids after `after`, at most `limit`).
   */
  listPageIds(
    sourceId: number,
    options?: {
      includeTombstoned?: boolean;
      tombstone?: Tombstone;
      after?: string;
      limit?: number;
    },
  ): Promise<string[]>;
  count(sourceId: number): Promise<{ live: number; tombstoned: number }>;
  /** Tombstones live records (or those in state `from`) of the given pages; returns how many changed. */
  tombstone(input: TombstoneInput): Promise<number>;
  /** Clears a tombstone; returns false when the record was not tombstoned. */
  restore(recordId: number): Promise<boolean>;
  /**
   * Sets the page a record sits under in a page tree (a local move, or the parent a pushed
   * create or move reached in Notion).
   */
  setParent(recordId: number, parentId: string): Promise<void>;
}

export function createRecordsRepository(ctx: RepositoryContext): RecordsRepository {
  const { dialect } = ctx;
  const db = dialect.db;
  return {
    commitPullBatch: (input) => dialect.transaction((trx) => commitPullBatchIn(ctx, trx, input)),

    getStates: async (sourceId, pageIds) => {
      const states = new Map<string, RecordState>();
      for (let i = 0; i < pageIds.length; i += 500) {
        const chunk = pageIds.slice(i, i + 500);
        const rows = await db
          .selectFrom('records')
          .select([
            'id',
            'page_id',
            'notion_hash',
            'notion_last_edited_time',
            'tombstone',
            'current_version_id',
          ])
          .where('source_id', '=', sourceId)
          .where('page_id', 'in', chunk)
          .execute();
        for (const r of rows) {
          if (!r.page_id) continue;
          states.set(r.page_id, {
            recordId: r.id,
            pageId: r.page_id,
            notionHash: r.notion_hash,
            notionLastEditedTime: r.notion_last_edited_time,
            tombstone: r.tombstone as Tombstone | null,
            currentVersionId: r.current_version_id,
          });
        }
      }
      return states;
    },

    get: async (recordId) => {
      const row = await db
        .selectFrom('records')
        .selectAll()
        .where('id', '=', recordId)
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    findByPageId: async (sourceId, pageId) => {
      const row = await db
        .selectFrom('records')
        .selectAll()
        .where('source_id', '=', sourceId)
        .where('page_id', '=', pageId)
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    // Through the sources (a handful): each one's (source_id, page_id) and (source_id,
    // local_key) indexes answer it, where `page_id = key or local_key = key` alone scanned.
    findByKey: async (key) => {
      const rows = await db
        .selectFrom('sources as s')
        // CROSS JOIN: SQLite keeps this order (sources outside), so the indexes are used.
        .crossJoin('records as r')
        .selectAll('r')
        .whereRef('r.source_id', '=', 's.id')
        .where((eb) => eb.or([eb('r.page_id', '=', key), eb('r.local_key', '=', key)]))
        .orderBy('r.id')
        .execute();
      return rows.map(toRecord);
    },

    listPageIds: async (sourceId, options = {}) => {
      let query = db
        .selectFrom('records')
        .select('page_id')
        .where('source_id', '=', sourceId)
        .where('page_id', 'is not', null);
      if (options.tombstone) query = query.where('tombstone', '=', options.tombstone);
      else if (!options.includeTombstoned) query = query.where('tombstone', 'is', null);
      if (options.after !== undefined) query = query.where('page_id', '>', options.after);
      if (options.limit !== undefined) query = query.limit(options.limit);
      const rows = await query.orderBy('page_id').execute();
      return rows.map((r) => r.page_id!);
    },

    count: async (sourceId) => {
      const rows = await db
        .selectFrom('records')
        .select((eb) => [eb.fn.countAll<number>().as('n'), 'tombstone'])
        .where('source_id', '=', sourceId)
        .groupBy('tombstone')
        .execute();
      let live = 0;
      let tombstoned = 0;
      for (const r of rows) {
        if (r.tombstone === null) live += Number(r.n);
        else tombstoned += Number(r.n);
      }
      return { live, tombstoned };
    },

    tombstone: (input) =>
      dialect.transaction(async (trx) => {
        let changed = 0;
        const now = ctx.now();
        for (let i = 0; i < input.pageIds.length; i += 500) {
          const update = trx
            .updateTable('records')
            .set({ tombstone: input.state, tombstoned_at: now, updated_at: now })
            .where('source_id', '=', input.sourceId)
            .where('page_id', 'in', input.pageIds.slice(i, i + 500));
          const result = await (input.from
            ? update.where('tombstone', '=', input.from)
            : update.where('tombstone', 'is', null)
          ).executeTakeFirst();
          changed += Number(result.numUpdatedRows);
        }
        return changed;
      }),

    restore: (recordId) =>
      dialect.transaction(async (trx) => {
        const row = await trx
          .selectFrom('records')
          .select(['tombstone'])
          .where('id', '=', recordId)
          .executeTakeFirst();
        if (!row) {
          throw new NotionSyncError(
            'store_not_found',
            `No record with id ${recordId} in the store.`,
            {
              details: { recordId },
            },
          );
        }
        if (row.tombstone === null) return false;
        await trx
          .updateTable('records')
          .set({ tombstone: null, tombstoned_at: null, updated_at: ctx.now() })
          .where('id', '=', recordId)
          .execute();
        return true;
      }),

    setParent: async (recordId, parentId) => {
      await db
        .updateTable('records')
        .set({ parent_id: parentId, updated_at: ctx.now() })
        .where('id', '=', recordId)
        .execute();
    },
  };
}
