// The way out for outbox items that cannot go as they are (`notion-sync outbox`): requeue, drop,
// rewrite. Each is one transaction. Invariants:
// - only items nobody is sending can change (pending or dead; never in_flight, done or dropped);
// - versions stay append-only: a dropped edit keeps its local version in history, a rewrite
//   appends a new local version;
// - after a drop the record shows what Notion has as far as the store knows: an update or delete
//   puts the record's current version back to its base (the last state synced with Notion); a
//   create that never reached Notion tombstones the record `missing`. While another unsent item
//   of the same record waits, its version stays current;
// - requeued and rewritten items keep `last_error`, so a create that was ever attempted is looked
//   up by its sync key before it is sent again (an attempt may have been applied).
import type { Kysely } from 'kysely';
import { NotionSyncError } from '../errors.ts';
import { toJsonText } from './json-columns.ts';
import { insertLocalVersionIn } from './local-edits.ts';
import type { RepositoryContext, Row } from './repository-context.ts';
import { toOutboxItem, toRecord, toVersion } from './row-mappers.ts';
import type { Database } from './schema.ts';
import type { JsonValue, OutboxItem, Provenance, StoreRecord, Version } from './store-types.ts';

/** States of an item that no push is sending and that has not been settled. */
export const UNSENT_STATES = ['pending', 'dead'] as const;

export interface DropOutboxResult {
  outbox: OutboxItem;
  record: StoreRecord;
}

export interface RewriteOutboxInput {
  outboxId: number;
  /** The record's full fields with the rewritten values (the new local version). */
  fields: Record<string, JsonValue>;
  hash: string;
  /** The new payload push will send. */
  payload: JsonValue;
  provenance?: Provenance;
}

export interface RewriteOutboxResult {
  outbox: OutboxItem;
  version: Version;
}

async function mustGetUnsent(trx: Kysely<Database>, outboxId: number): Promise<Row<'outbox'>> {
  const item = await trx
    .selectFrom('outbox')
    .selectAll()
    .where('id', '=', outboxId)
    .executeTakeFirst();
  if (!item) {
    throw new NotionSyncError(
      'store_not_found',
      `No outbox item #${outboxId}; list them with \`notion-sync outbox list\`.`,
      { details: { outboxId } },
    );
  }
  if (!(UNSENT_STATES as readonly string[]).includes(item.state)) {
    throw new NotionSyncError(
      'store_invalid_state',
      `Outbox item #${outboxId} is ${item.state}; only pending or dead items can be requeued, dropped or edited${item.state === 'in_flight' ? ' (a push is sending it; wait for it to end)' : ''}.`,
      { details: { outboxId, state: item.state } },
    );
  }
  return item;
}

/** Dead items → pending with fresh attempts; waiting pending items → due now. */
export async function requeueOutboxIn(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  options: { sourceId?: number; ids?: number[]; deadOnly?: boolean },
): Promise<number[]> {
  if (options.ids) for (const id of options.ids) await mustGetUnsent(trx, id);
  const now = ctx.now();
  let query = trx
    .selectFrom('outbox')
    .select(['id', 'state'])
    .where('state', 'in', options.deadOnly ? ['dead'] : [...UNSENT_STATES]);
  if (options.sourceId !== undefined) query = query.where('source_id', '=', options.sourceId);
  if (options.ids) query = query.where('id', 'in', options.ids.length > 0 ? options.ids : [-1]);
  const rows = await query.orderBy('id').execute();
  for (const row of rows) {
    await trx
      .updateTable('outbox')
      .set({
        state: 'pending',
        next_attempt_at: now,
        updated_at: now,
        ...(row.state === 'dead' ? { attempts: 0 } : {}),
      })
      .where('id', '=', row.id)
      .execute();
  }
  return rows.map((r) => r.id);
}

async function otherUnsent(trx: Kysely<Database>, item: Row<'outbox'>): Promise<boolean> {
  const other = await trx
    .selectFrom('outbox')
    .select('id')
    .where('record_id', '=', item.record_id)
    .where('id', '!=', item.id)
    .where('state', 'in', ['pending', 'in_flight', 'dead'])
    .executeTakeFirst();
  return other !== undefined;
}

/** Drops an unsent item; see the file comment for what happens to its record. */
export async function dropOutboxIn(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  outboxId: number,
): Promise<DropOutboxResult> {
  const now = ctx.now();
  const item = await mustGetUnsent(trx, outboxId);
  const outbox = await trx
    .updateTable('outbox')
    .set({ state: 'dropped', completed_at: now, updated_at: now })
    .where('id', '=', item.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const record = await recordOfItem(trx, item);
  let update: Partial<Row<'records'>> | null = null;
  if (!(await otherUnsent(trx, item))) {
    if (record.page_id === null) update = { tombstone: 'missing', tombstoned_at: now };
    else if (record.base_version_id !== null)
      update = { current_version_id: record.base_version_id };
  }
  const after = update
    ? await trx
        .updateTable('records')
        .set({ ...update, updated_at: now })
        .where('id', '=', record.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    : record;
  ctx.logger.debug({ outboxId, recordId: record.id }, 'outbox item dropped');
  return { outbox: toOutboxItem(outbox), record: toRecord(after) };
}

/** The record an outbox item belongs to (it always has one: items are never orphaned). */
export function recordOfItem(
  trx: Kysely<Database>,
  item: Pick<Row<'outbox'>, 'record_id'>,
): Promise<Row<'records'>> {
  return trx
    .selectFrom('records')
    .selectAll()
    .where('id', '=', item.record_id)
    .executeTakeFirstOrThrow();
}

/** Replaces an unsent item's payload with a new local version and makes it due now. */
export async function rewriteOutboxIn(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  input: RewriteOutboxInput,
): Promise<RewriteOutboxResult> {
  const now = ctx.now();
  const item = await mustGetUnsent(trx, input.outboxId);
  const record = await recordOfItem(trx, item);
  const version = await insertLocalVersionIn(trx, record, input, now);
  await trx
    .updateTable('records')
    .set({ current_version_id: version.id, last_seq: version.seq, updated_at: now })
    .where('id', '=', record.id)
    .execute();
  const outbox = await trx
    .updateTable('outbox')
    .set({
      version_id: version.id,
      payload: toJsonText(input.payload),
      state: 'pending',
      attempts: 0,
      next_attempt_at: now,
      updated_at: now,
    })
    .where('id', '=', item.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { outbox: toOutboxItem(outbox), version: toVersion(version) };
}
