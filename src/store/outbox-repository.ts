// The outbox: pending writes to Notion. States: pending → in_flight → done, or → dead after
// `maxAttempts` failures (requeued, dropped or rewritten through `notion-sync outbox`, see
// outbox-dead-letters.ts; `push --retry-dead` requeues). An item left in_flight by a crash is
// ambiguous (the write may have applied): requeueInFlight puts it back, and push must look the
// sync key up before creating again. Completing an item records Notion's state after our write
// as a `push` version and moves the record's Notion hash, so the next pull sees no change (echo
// suppression) — all in one transaction.
import type { Kysely } from 'kysely';
import { NotionSyncError } from '../errors.ts';
import { computeBackoffMs } from './backoff.ts';
import { toJsonText, toNullableJsonText } from './json-columns.ts';
import {
  type DropOutboxResult,
  dropOutboxIn,
  type RewriteOutboxInput,
  type RewriteOutboxResult,
  recordOfItem,
  requeueOutboxIn,
  rewriteOutboxIn,
} from './outbox-dead-letters.ts';
import type { RepositoryContext, Row } from './repository-context.ts';
import { provenanceColumns, toOutboxItem, toVersion } from './row-mappers.ts';
import type { Database } from './schema.ts';
import type { JsonValue, OutboxItem, OutboxState, Provenance, Version } from './store-types.ts';

export const DEFAULT_MAX_ATTEMPTS = 8;

/** Notion's state of the page right after our write (from the write's response). */
export interface NotionState {
  fields: Record<string, JsonValue>;
  raw?: JsonValue | null;
  content?: string | null;
  hash: string;
  notionLastEditedTime: string;
  createdTime?: string;
}

export interface CompleteOutboxInput {
  outboxId: number;
  /** The created page's id (op `create`). */
  pageId?: string;
  notionState?: NotionState;
  provenance?: Provenance;
}

export interface CompleteOutboxResult {
  outbox: OutboxItem;
  /** The `push` version appended, or null when Notion's state was already stored. */
  version: Version | null;
}

export interface RecordOutboxFailureInput {
  error: string;
  /** False for permanent errors (validation): dead-letter at once. Default true. */
  retryable?: boolean;
  maxAttempts?: number;
}

export interface OutboxRepository {
  /** Pending items due at `now` (default: the store clock), oldest first. */
  listDue(options?: { now?: string; limit?: number; sourceId?: number }): Promise<OutboxItem[]>;
  list(options?: { sourceId?: number; state?: OutboxState }): Promise<OutboxItem[]>;
  get(outboxId: number): Promise<OutboxItem | null>;
  /** pending → in_flight; false when another worker claimed it first. */
  claim(outboxId: number): Promise<boolean>;
  complete(input: CompleteOutboxInput): Promise<CompleteOutboxResult>;
  /** Counts an attempt: back to pending with backoff, or dead after the last attempt. */
  recordFailure(outboxId: number, input: RecordOutboxFailureInput): Promise<OutboxItem>;
  /** dead → pending with attempts reset; returns how many. */
  requeueDead(options?: { sourceId?: number; ids?: number[] }): Promise<number>;
  /** in_flight → pending (after a crash); returns how many. */
  requeueInFlight(options?: { sourceId?: number }): Promise<number>;
  /**
   * Makes unsent items due now: dead ones get fresh attempts, waiting pending ones lose their
   * backoff; `ids` must all be pending or dead (`store_invalid_state` otherwise). Returns the ids.
   */
  requeue(options: { sourceId?: number; ids?: number[]; deadOnly?: boolean }): Promise<number[]>;
  /** Drops a pending or dead item (see outbox-dead-letters.ts for what its record becomes). */
  drop(outboxId: number): Promise<DropOutboxResult>;
  /** Replaces a pending or dead item's payload with a new local version; due now. */
  rewrite(input: RewriteOutboxInput): Promise<RewriteOutboxResult>;
}

export function createOutboxRepository(ctx: RepositoryContext): OutboxRepository {
  const { dialect } = ctx;
  const db = dialect.db;
  return {
    listDue: async (options = {}) => {
      let query = db
        .selectFrom('outbox')
        .selectAll()
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', options.now ?? ctx.now());
      if (options.sourceId !== undefined) query = query.where('source_id', '=', options.sourceId);
      const rows = await query
        .orderBy('id')
        .limit(options.limit ?? 100)
        .execute();
      return rows.map(toOutboxItem);
    },

    list: async (options = {}) => {
      let query = db.selectFrom('outbox').selectAll();
      if (options.sourceId !== undefined) query = query.where('source_id', '=', options.sourceId);
      if (options.state !== undefined) query = query.where('state', '=', options.state);
      return (await query.orderBy('id').execute()).map(toOutboxItem);
    },

    get: async (outboxId) => {
      const row = await db
        .selectFrom('outbox')
        .selectAll()
        .where('id', '=', outboxId)
        .executeTakeFirst();
      return row ? toOutboxItem(row) : null;
    },

    claim: (outboxId) =>
      dialect.transaction(async (trx) => {
        const result = await trx
          .updateTable('outbox')
          .set({ state: 'in_flight', updated_at: ctx.now() })
          .where('id', '=', outboxId)
          .where('state', '=', 'pending')
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),

    complete: (input) => dialect.transaction((trx) => completeIn(ctx, trx, input)),

    recordFailure: (outboxId, input) =>
      dialect.transaction(async (trx) => {
        const item = await mustGetOpen(trx, outboxId);
        const attempts = item.attempts + 1;
        const dead =
          input.retryable === false || attempts >= (input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
        const nowMs = Date.parse(ctx.now());
        const row = await trx
          .updateTable('outbox')
          .set({
            state: dead ? 'dead' : 'pending',
            attempts,
            last_error: input.error,
            next_attempt_at: new Date(
              nowMs + (dead ? 0 : computeBackoffMs(attempts)),
            ).toISOString(),
            updated_at: ctx.now(),
          })
          .where('id', '=', outboxId)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toOutboxItem(row);
      }),

    requeueDead: (options = {}) =>
      dialect.transaction(async (trx) => {
        let query = trx
          .updateTable('outbox')
          .set({ state: 'pending', attempts: 0, next_attempt_at: ctx.now(), updated_at: ctx.now() })
          .where('state', '=', 'dead');
        if (options.sourceId !== undefined) query = query.where('source_id', '=', options.sourceId);
        if (options.ids !== undefined) {
          if (options.ids.length === 0) return 0;
          query = query.where('id', 'in', options.ids);
        }
        return Number((await query.executeTakeFirst()).numUpdatedRows);
      }),

    requeue: (options) => dialect.transaction((trx) => requeueOutboxIn(ctx, trx, options)),

    drop: (outboxId) => dialect.transaction((trx) => dropOutboxIn(ctx, trx, outboxId)),

    rewrite: (input) => dialect.transaction((trx) => rewriteOutboxIn(ctx, trx, input)),

    requeueInFlight: (options = {}) =>
      dialect.transaction(async (trx) => {
        let query = trx
          .updateTable('outbox')
          .set({ state: 'pending', updated_at: ctx.now() })
          .where('state', '=', 'in_flight');
        if (options.sourceId !== undefined) query = query.where('source_id', '=', options.sourceId);
        return Number((await query.executeTakeFirst()).numUpdatedRows);
      }),
  };
}

async function mustGetOpen(trx: Kysely<Database>, outboxId: number): Promise<Row<'outbox'>> {
  const item = await trx
    .selectFrom('outbox')
    .selectAll()
    .where('id', '=', outboxId)
    .executeTakeFirst();
  if (!item) {
    throw new NotionSyncError('store_not_found', `No outbox item with id ${outboxId}.`, {
      details: { outboxId },
    });
  }
  if (item.state === 'done' || item.state === 'dead') {
    throw new NotionSyncError(
      'store_invalid_state',
      `Outbox item ${outboxId} is ${item.state}; only pending or in-flight items can be completed or retried.`,
      { details: { outboxId, state: item.state } },
    );
  }
  return item;
}

async function completeIn(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  input: CompleteOutboxInput,
): Promise<CompleteOutboxResult> {
  const now = ctx.now();
  const item = await mustGetOpen(trx, input.outboxId);
  const record = await recordOfItem(trx, item);
  const others = await trx
    .selectFrom('outbox')
    .select('id')
    .where('record_id', '=', record.id)
    .where('id', '!=', item.id)
    .where('state', 'in', ['pending', 'in_flight'])
    .execute();
  const recordUpdate: Partial<Row<'records'>> = { updated_at: now };
  if (input.pageId !== undefined) recordUpdate.page_id = input.pageId;
  if (item.op === 'delete') {
    recordUpdate.tombstone = 'trashed';
    recordUpdate.tombstoned_at = now;
  }
  let version: Row<'versions'> | null = null;
  const state = input.notionState;
  if (state && state.hash !== record.notion_hash) {
    version = await trx
      .insertInto('versions')
      .values({
        record_id: record.id,
        seq: record.last_seq + 1,
        origin: 'push',
        fields: toJsonText(state.fields),
        raw: toNullableJsonText(state.raw),
        content: state.content ?? null,
        hash: state.hash,
        notion_last_edited_time: state.notionLastEditedTime,
        ...provenanceColumns(input.provenance),
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    Object.assign(recordUpdate, {
      last_seq: version.seq,
      base_version_id: version.id,
      ...(others.length === 0 ? { current_version_id: version.id } : {}),
    });
  }
  if (state && !version) {
    const same = await trx
      .selectFrom('versions')
      .select('id')
      .where('record_id', '=', record.id)
      .where('hash', '=', state.hash)
      .orderBy('seq', 'desc')
      .executeTakeFirst();
    // Nothing new in Notion (nothing written, e.g. a parked conflict): with no other local edit
    // waiting, the stored Notion state is again the current one, not the unsent local version.
    if (same) {
      recordUpdate.base_version_id = same.id;
      if (others.length === 0) recordUpdate.current_version_id = same.id;
    }
  }
  if (state) {
    Object.assign(recordUpdate, {
      notion_hash: state.hash,
      notion_last_edited_time: state.notionLastEditedTime,
      ...(state.createdTime ? { created_time: state.createdTime } : {}),
    });
  }
  await trx.updateTable('records').set(recordUpdate).where('id', '=', record.id).execute();
  const outbox = await trx
    .updateTable('outbox')
    .set({ state: 'done', completed_at: now, updated_at: now, last_error: null })
    .where('id', '=', item.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { outbox: toOutboxItem(outbox), version: version ? toVersion(version) : null };
}
