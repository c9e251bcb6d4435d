// Local edits: every local change appends a version (origin `local`) AND its outbox row in ONE
// transaction, so a crash can never leave an edit that push will not see, nor an outbox row
// without its version. A pending (not yet sent) update or create of the same record absorbs the
// newer edit, so push writes the latest local state once; a delete of a record whose create was
// never attempted cancels it (both `dropped`, the record tombstoned `missing`): nothing reaches
// Notion, and the history keeps both local versions.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { NotionSyncError } from '../errors.ts';
import { toJsonText } from './json-columns.ts';
import type { RepositoryContext, Row } from './repository-context.ts';
import { provenanceColumns, toOutboxItem, toRecord, toVersion } from './row-mappers.ts';
import type { Database } from './schema.ts';
import type { JsonValue, OutboxItem, Provenance, StoreRecord, Version } from './store-types.ts';

export interface CreateLocalRecordInput {
  sourceId: number;
  fields: Record<string, JsonValue>;
  hash: string;
  content?: string | null;
  /** What push should send; defaults to `fields`. */
  payload?: JsonValue;
  /** The record's local key and the page's sync key; a random UUID by default. */
  localKey?: string;
  provenance?: Provenance;
}

export interface AppendLocalVersionInput {
  recordId: number;
  fields: Record<string, JsonValue>;
  hash: string;
  op?: 'update' | 'delete';
  content?: string | null;
  payload?: JsonValue;
  provenance?: Provenance;
}

export interface LocalEditResult {
  record: StoreRecord;
  version: Version;
  outbox: OutboxItem;
}

export async function createLocalRecordIn(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  input: CreateLocalRecordInput,
): Promise<LocalEditResult> {
  const now = ctx.now();
  const localKey = input.localKey ?? randomUUID();
  const record = await trx
    .insertInto('records')
    .values({
      source_id: input.sourceId,
      local_key: localKey,
      last_seq: 0,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return appendIn(ctx, trx, record, { ...input, recordId: record.id, op: 'create' }, now);
}

export async function appendLocalVersionIn(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  input: AppendLocalVersionInput,
): Promise<LocalEditResult> {
  const record = await trx
    .selectFrom('records')
    .selectAll()
    .where('id', '=', input.recordId)
    .executeTakeFirst();
  if (!record) {
    throw new NotionSyncError(
      'store_not_found',
      `No record with id ${input.recordId} in the store.`,
      {
        details: { recordId: input.recordId },
      },
    );
  }
  return appendIn(ctx, trx, record, { ...input, op: input.op ?? 'update' }, ctx.now());
}

/** Appends a `local` version of `record` (content carried over from its current version). */
export async function insertLocalVersionIn(
  trx: Kysely<Database>,
  record: Row<'records'>,
  input: Pick<AppendLocalVersionInput, 'fields' | 'hash' | 'content' | 'provenance'>,
  now: string,
): Promise<Row<'versions'>> {
  const previousContent =
    input.content === undefined && record.current_version_id !== null
      ? ((
          await trx
            .selectFrom('versions')
            .select('content')
            .where('id', '=', record.current_version_id)
            .executeTakeFirst()
        )?.content ?? null)
      : null;
  return trx
    .insertInto('versions')
    .values({
      record_id: record.id,
      seq: record.last_seq + 1,
      origin: 'local',
      fields: toJsonText(input.fields),
      raw: null,
      content: input.content === undefined ? previousContent : input.content,
      hash: input.hash,
      notion_last_edited_time: null,
      ...provenanceColumns(input.provenance),
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function appendIn(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  record: Row<'records'>,
  input: Omit<AppendLocalVersionInput, 'op'> & { op: 'create' | 'update' | 'delete' },
  now: string,
): Promise<LocalEditResult> {
  const version = await insertLocalVersionIn(trx, record, input, now);
  const cancelled = input.op === 'delete' ? await cancelUnsentCreate(trx, record, now) : null;
  const updatedRecord = await trx
    .updateTable('records')
    .set({
      current_version_id: version.id,
      last_seq: version.seq,
      updated_at: now,
      ...(cancelled ? { tombstone: 'missing', tombstoned_at: now } : {}),
    })
    .where('id', '=', record.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const outbox =
    cancelled ??
    (await enqueue(trx, updatedRecord, version.id, input.op, input.payload ?? input.fields, now));
  ctx.logger.debug({ recordId: record.id, op: input.op, outboxId: outbox.id }, 'local edit queued');
  return {
    record: toRecord(updatedRecord),
    version: toVersion(version),
    outbox: toOutboxItem(outbox),
  };
}

/**
 * Drops the record's create when it was never attempted (pending, no attempt): the page cannot
 * exist in Notion. A create that was attempted may have been applied, so its delete is queued.
 */
async function cancelUnsentCreate(
  trx: Kysely<Database>,
  record: Row<'records'>,
  now: string,
): Promise<Row<'outbox'> | null> {
  if (record.page_id !== null) return null;
  const row = await trx
    .updateTable('outbox')
    .set({ state: 'dropped', completed_at: now, updated_at: now })
    .where('record_id', '=', record.id)
    .where('op', '=', 'create')
    .where('state', '=', 'pending')
    .where('attempts', '=', 0)
    .where('last_error', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

async function enqueue(
  trx: Kysely<Database>,
  record: Row<'records'>,
  versionId: number,
  op: 'create' | 'update' | 'delete',
  payload: JsonValue,
  now: string,
): Promise<Row<'outbox'>> {
  if (op !== 'delete') {
    const absorbing = await trx
      .selectFrom('outbox')
      .selectAll()
      .where('record_id', '=', record.id)
      .where('state', '=', 'pending')
      .where('op', 'in', op === 'create' ? ['create'] : ['create', 'update'])
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (absorbing) {
      return trx
        .updateTable('outbox')
        .set({ version_id: versionId, payload: toJsonText(payload), updated_at: now })
        .where('id', '=', absorbing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
  }
  return trx
    .insertInto('outbox')
    .values({
      source_id: record.source_id,
      record_id: record.id,
      version_id: versionId,
      op,
      payload: toJsonText(payload),
      sync_key: record.local_key,
      state: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
