// What a target last exported, per record (DESIGN.md §5 Targets), and its scan cursor. Invariants:
// - one item per record, and one record per item key in a source (unique index);
// - `transaction` runs the bookkeeping and the writes to a user's table in the store's own
//   database in ONE transaction, so an export and what it remembers commit together;
// - `database()` reaches the store's database outside the engine namespace: plugins (the `ns_`
//   prefix, the engine schema) are stripped, so a user's table name is used exactly as given.

import type { Kysely } from 'kysely';
import { fromJsonText } from './json-columns.ts';
import type { RepositoryContext, Row } from './repository-context.ts';
import { toRecord } from './row-mappers.ts';
import type { Database } from './schema.ts';
import type { UserDatabase } from './sql-connection.ts';
import type { JsonValue, StoreRecord } from './store-types.ts';

/** `synced`: exported or scanned; `intent`: an insert announced but not confirmed; `detached`:
 * kept on one side after a delete on the other (policy `keep`); `parked`: the target refused it. */
export type TargetItemState = 'synced' | 'intent' | 'detached' | 'parked';

export interface TargetItem {
  recordId: number;
  sourceId: number;
  itemKey: string | null;
  targetHash: string | null;
  storeHash: string | null;
  state: TargetItemState;
  lastError: string | null;
  updatedAt: string;
}

export type TargetItemInput = Omit<TargetItem, 'updatedAt' | 'lastError'> & {
  lastError?: string | null;
};

/** A record of a source with the fields of its current version, as a target projects it. */
export interface TargetRecordView {
  record: StoreRecord;
  fields: Record<string, JsonValue>;
  content: string | null;
}

export interface TargetItemsWriter {
  put(input: TargetItemInput): Promise<void>;
  /** Many puts in a few statements (an export batch's bookkeeping). */
  putMany(inputs: TargetItemInput[]): Promise<void>;
  remove(recordId: number): Promise<void>;
}

export interface TargetItemsRepository extends TargetItemsWriter {
  list(sourceId: number): Promise<TargetItem[]>;
  /** Every record of the source (tombstoned ones too) with its current fields. */
  listRecords(sourceId: number): Promise<TargetRecordView[]>;
  /**
   * Frees `localKey` for a new record when the record holding it is tombstoned and has nothing
   * left to push (a table reused a deleted row's key): that record's key gets a `~<id>` suffix.
   * False when the key is held by a live record or one with open outbox items.
   */
  releaseLocalKey(sourceId: number, localKey: string): Promise<boolean>;
  readCursor(sourceId: number): Promise<string | null>;
  writeCursor(sourceId: number, cursor: string | null): Promise<void>;
  /** The store's database with names used as given (a user's table living beside the store). */
  database(): UserDatabase;
  /** One store transaction for a user's table in the store's database and the bookkeeping. */
  transaction<T>(
    fn: (tx: { db: UserDatabase; items: TargetItemsWriter }) => Promise<T>,
  ): Promise<T>;
}

function toTargetItem(row: Row<'target_items'>): TargetItem {
  return {
    recordId: row.record_id,
    sourceId: row.source_id,
    itemKey: row.item_key,
    targetHash: row.target_hash,
    storeHash: row.store_hash,
    state: row.state as TargetItemState,
    lastError: row.last_error,
    updatedAt: row.updated_at,
  };
}

const PUT_CHUNK = 400;

function writerOn(ctx: RepositoryContext, db: Kysely<Database>): TargetItemsWriter {
  const putMany = async (inputs: TargetItemInput[]) => {
    const now = ctx.now();
    for (let i = 0; i < inputs.length; i += PUT_CHUNK) {
      const rows = inputs.slice(i, i + PUT_CHUNK).map((input) => ({
        record_id: input.recordId,
        source_id: input.sourceId,
        item_key: input.itemKey,
        target_hash: input.targetHash,
        store_hash: input.storeHash,
        state: input.state,
        last_error: input.lastError ?? null,
        updated_at: now,
      }));
      await db
        .insertInto('target_items')
        .values(rows)
        .onConflict((oc) =>
          oc.column('record_id').doUpdateSet((eb) => ({
            source_id: eb.ref('excluded.source_id'),
            item_key: eb.ref('excluded.item_key'),
            target_hash: eb.ref('excluded.target_hash'),
            store_hash: eb.ref('excluded.store_hash'),
            state: eb.ref('excluded.state'),
            last_error: eb.ref('excluded.last_error'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  };
  return {
    put: (input) => putMany([input]),
    putMany,
    async remove(recordId) {
      await db.deleteFrom('target_items').where('record_id', '=', recordId).execute();
    },
  };
}

export function createTargetItemsRepository(ctx: RepositoryContext): TargetItemsRepository {
  const { db } = ctx.dialect;
  return {
    ...writerOn(ctx, db),
    list: async (sourceId) =>
      (
        await db
          .selectFrom('target_items')
          .selectAll()
          .where('source_id', '=', sourceId)
          .orderBy('record_id')
          .execute()
      ).map(toTargetItem),
    listRecords: async (sourceId) => {
      const rows = await db
        .selectFrom('records as r')
        .leftJoin('versions as v', 'v.id', 'r.current_version_id')
        .selectAll('r')
        .select(['v.fields as v_fields', 'v.content as v_content'])
        .where('r.source_id', '=', sourceId)
        .orderBy('r.id')
        .execute();
      return rows.map((row) => ({
        record: toRecord(row),
        fields: fromJsonText<Record<string, JsonValue>>(row.v_fields, {}),
        content: row.v_content ?? null,
      }));
    },
    releaseLocalKey: (sourceId, localKey) =>
      ctx.dialect.transaction(async (trx) => {
        const holder = await trx
          .selectFrom('records')
          .select(['id', 'tombstone'])
          .where('source_id', '=', sourceId)
          .where('local_key', '=', localKey)
          .executeTakeFirst();
        if (!holder) return true;
        if (holder.tombstone === null) return false;
        const open = await trx
          .selectFrom('outbox')
          .select('id')
          .where('record_id', '=', holder.id)
          .where('state', 'in', ['pending', 'in_flight', 'dead'])
          .executeTakeFirst();
        if (open) return false;
        await trx
          .updateTable('records')
          .set({ local_key: `${localKey}~${holder.id}`, updated_at: ctx.now() })
          .where('id', '=', holder.id)
          .execute();
        return true;
      }),
    readCursor: async (sourceId) =>
      (
        await db
          .selectFrom('target_cursors')
          .select('cursor')
          .where('source_id', '=', sourceId)
          .executeTakeFirst()
      )?.cursor ?? null,
    writeCursor: async (sourceId, cursor) => {
      const values = { cursor, updated_at: ctx.now() };
      await db
        .insertInto('target_cursors')
        .values({ source_id: sourceId, ...values })
        .onConflict((oc) => oc.column('source_id').doUpdateSet(values))
        .execute();
    },
    database: () => db.withoutPlugins() as UserDatabase,
    transaction: (fn) =>
      ctx.dialect.transaction((trx) =>
        fn({ db: trx.withoutPlugins() as UserDatabase, items: writerOn(ctx, trx) }),
      ),
  };
}
