// commitPullBatch: one page of pulled rows and the advanced checkpoint, in ONE transaction.
// Invariants: a version is appended only when the row's hash differs from the record's latest
// Notion-side hash (so the overlap window never writes duplicates); a row seen again after a
// tombstone is restored and its history continues; the base version (the last state both sides
// agreed on) moves only when the record has no pending local edit. A crash leaves either the
// whole batch with its checkpoint, or neither.
import type { Kysely } from 'kysely';
import { NotionSyncError } from '../errors.ts';
import { writeCheckpointIn } from './checkpoints-repository.ts';
import { quoteIdentifier } from './dialect.ts';
import { type FileRefInput, insertVersionFilesIn } from './files/version-files-repository.ts';
import { toJsonText, toNullableJsonText } from './json-columns.ts';
import type { RepositoryContext, Row } from './repository-context.ts';
import { provenanceColumns } from './row-mappers.ts';
import type { Database } from './schema.ts';
import type { CheckpointUpdate, JsonValue, Provenance } from './store-types.ts';

export interface PulledRow {
  pageId: string;
  /** Normalized values keyed by Notion property id (plain JSON: what the views show). */
  fields: Record<string, JsonValue>;
  /** The page's raw Notion properties, as received. */
  raw?: JsonValue | null;
  /** Markdown content; `undefined` = not fetched, keep the previous version's content. */
  content?: string | null;
  /** Normalized hash of fields (+ content), volatile parts excluded; decides created/unchanged. */
  hash: string;
  /**
   * The same state's hash under an earlier hashing rule: a record stored with it is unchanged
   * (its hash is then moved to `hash`, no version is written).
   */
  equivalentHash?: string;
  notionLastEditedTime: string;
  createdTime: string;
  parentId?: string | null;
  /** Overrides the batch provenance's request id for this row. */
  requestId?: string | null;
  /**
   * The page's sync key (the value push wrote into its key property). A page seen for the first
   * time whose key names a local record still without a page (a create whose response was lost)
   * is attached to that record instead of becoming a second record of the same page.
   */
  syncKey?: string | null;
  /** Files the page refers to; written with the new version (see files/). */
  files?: FileRefInput[];
}

export interface CommitPullBatchInput {
  sourceId: number;
  rows: PulledRow[];
  /** The checkpoint after this batch; omitted leaves it unchanged. */
  checkpoint?: CheckpointUpdate;
  runId?: number | null;
  provenance?: Provenance;
}

export type PullRowOutcome = 'created' | 'updated' | 'unchanged';

export interface PullRowResult {
  pageId: string;
  recordId: number;
  outcome: PullRowOutcome;
  /** True when the record was tombstoned and is live again. */
  restored: boolean;
  /** The appended version, or null when unchanged. */
  versionId: number | null;
}

export interface CommitPullBatchResult {
  rows: PullRowResult[];
  created: number;
  updated: number;
  unchanged: number;
  restored: number;
}

type RecordRow = Row<'records'>;

export async function commitPullBatchIn(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  input: CommitPullBatchInput,
): Promise<CommitPullBatchResult> {
  const now = ctx.now();
  const runId = input.runId ?? input.provenance?.runId ?? null;
  assertUniquePages(input.rows);
  const results: PullRowResult[] = [];
  // Chunks keep every statement far below the engines' bound-parameter limits.
  for (let i = 0; i < input.rows.length; i += CHUNK_ROWS) {
    const chunk = { ...input, rows: input.rows.slice(i, i + CHUNK_ROWS) };
    results.push(...(await commitChunk(ctx, trx, chunk, runId, now)));
  }
  if (input.checkpoint) await writeCheckpointIn(trx, input.sourceId, input.checkpoint, runId, now);
  return summarize(input.rows, results);
}

const CHUNK_ROWS = 500;

async function commitChunk(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  input: CommitPullBatchInput,
  runId: number | null,
  now: string,
): Promise<PullRowResult[]> {
  const records = await loadRecords(ctx, trx, input, now);
  const pending = await pendingLocalRecords(
    trx,
    [...records.values()].map((r) => r.id),
  );
  const results: PullRowResult[] = [];
  const changed: { row: PulledRow; record: RecordRow }[] = [];
  for (const row of input.rows) {
    const record = records.get(row.pageId)!;
    const same =
      record.notion_hash === row.hash ||
      (row.equivalentHash !== undefined && record.notion_hash === row.equivalentHash);
    if (!same) {
      changed.push({ row, record });
      continue;
    }
    const restored = record.tombstone !== null;
    results.push({
      pageId: row.pageId,
      recordId: record.id,
      outcome: 'unchanged',
      restored,
      versionId: null,
    });
    // A page moved in Notion keeps its hash; its new parent is taken unless a local edit
    // (which may be a local move) is pending.
    const parentId =
      row.parentId && row.parentId !== record.parent_id && !pending.has(record.id)
        ? row.parentId
        : record.parent_id;
    if (
      restored ||
      record.notion_last_edited_time !== row.notionLastEditedTime ||
      record.notion_hash !== row.hash ||
      parentId !== record.parent_id
    ) {
      await trx
        .updateTable('records')
        .set({
          tombstone: null,
          tombstoned_at: null,
          notion_last_edited_time: row.notionLastEditedTime,
          notion_hash: row.hash,
          parent_id: parentId,
          updated_at: now,
        })
        .where('id', '=', record.id)
        .execute();
    }
  }
  const versionIds = await appendVersions(ctx, trx, input, changed, runId, now);
  await insertVersionFilesIn(
    trx,
    changed.map(({ row, record }) => ({
      versionId: versionIds.get(record.id)!,
      recordId: record.id,
      refs: row.files ?? [],
    })),
    now,
  );
  await advanceRecords(
    ctx,
    trx,
    changed.map(({ row, record }) => ({
      recordId: record.id,
      versionId: versionIds.get(record.id)!,
      keepBase: pending.has(record.id),
      row,
    })),
    now,
  );
  for (const { row, record } of changed) {
    results.push({
      pageId: row.pageId,
      recordId: record.id,
      outcome: record.last_seq === 0 ? 'created' : 'updated',
      restored: record.tombstone !== null,
      versionId: versionIds.get(record.id)!,
    });
  }
  return results;
}

/** The batch's records by page id; records for pages seen for the first time are inserted. */
async function loadRecords(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  input: CommitPullBatchInput,
  now: string,
): Promise<Map<string, RecordRow>> {
  const records = new Map<string, RecordRow>();
  if (input.rows.length === 0) return records;
  const rows = await trx
    .selectFrom('records')
    .selectAll()
    .where('source_id', '=', input.sourceId)
    .where(
      'page_id',
      'in',
      input.rows.map((r) => r.pageId),
    )
    .execute();
  for (const row of rows) if (row.page_id) records.set(row.page_id, row);
  await adoptBySyncKey(trx, input, records, now);
  await insertMissingRecords(ctx, trx, input, records, now);
  return records;
}

const VERSION_COLUMNS = [
  'record_id',
  'seq',
  'origin',
  'fields',
  'raw',
  'content',
  'hash',
  'notion_last_edited_time',
  'run_id',
  'trigger',
  'request_id',
  'created_at',
] as const;

/** Appends one `notion` version per changed row; returns version ids by record id. */
async function appendVersions(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  input: CommitPullBatchInput,
  changed: { row: PulledRow; record: RecordRow }[],
  runId: number | null,
  now: string,
): Promise<Map<number, number>> {
  if (changed.length === 0) return new Map();
  const contents = await previousContents(
    trx,
    changed.filter((v) => v.row.content === undefined).map((v) => v.record),
  );
  const versions = ctx.dialect.tableRef('versions');
  const inserted = await ctx.dialect.executeValues(
    trx,
    {
      sql: (values) =>
        `insert into ${versions} (${columnList(VERSION_COLUMNS)}) values ${values} returning id, record_id`,
      tuple: VERSION_COLUMNS.map(() => '?'),
    },
    changed.map(({ row, record }) => {
      const p = provenanceColumns({
        ...input.provenance,
        runId,
        requestId: row.requestId ?? input.provenance?.requestId ?? null,
      });
      return [
        record.id,
        record.last_seq + 1,
        'notion',
        toJsonText(row.fields),
        toNullableJsonText(row.raw),
        row.content === undefined ? (contents.get(record.id) ?? null) : row.content,
        row.hash,
        row.notionLastEditedTime,
        p.run_id,
        p.trigger,
        p.request_id,
        now,
      ];
    }),
  );
  return new Map(inserted.map((v) => [v.record_id as number, v.id as number]));
}

interface Advance {
  recordId: number;
  versionId: number;
  /** A local edit is pending: the base version stays the common ancestor. */
  keepBase: boolean;
  row: PulledRow;
}

/** Points each record at its new version (one statement over the batch's rows). */
async function advanceRecords(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  advances: Advance[],
  now: string,
): Promise<void> {
  if (advances.length === 0) return;
  const records = ctx.dialect.tableRef('records');
  await ctx.dialect.executeValues(
    trx,
    {
      sql: (values) => `
        with v(record_id, version_id, keep_base, hash, edited, created, parent_id, now) as (values ${values})
        update ${records} as r set
          current_version_id = v.version_id,
          base_version_id = case when v.keep_base = 1 then r.base_version_id else v.version_id end,
          last_seq = r.last_seq + 1,
          notion_hash = v.hash,
          notion_last_edited_time = v.edited,
          created_time = v.created,
          parent_id = case when v.keep_base = 1 then r.parent_id else coalesce(v.parent_id, r.parent_id) end,
          tombstone = null,
          tombstoned_at = null,
          updated_at = v.now
        from v where r.id = v.record_id`,
      tuple: [
        'cast(? as bigint)',
        'cast(? as bigint)',
        'cast(? as integer)',
        'cast(? as text)',
        'cast(? as text)',
        'cast(? as text)',
        'cast(? as text)',
        'cast(? as text)',
      ],
    },
    advances.map((a) => [
      a.recordId,
      a.versionId,
      a.keepBase ? 1 : 0,
      a.row.hash,
      a.row.notionLastEditedTime,
      a.row.createdTime,
      a.row.parentId ?? null,
      now,
    ]),
  );
}

function assertUniquePages(rows: PulledRow[]): void {
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.pageId)) {
      throw new NotionSyncError(
        'store_invalid_state',
        `Page ${row.pageId} appears twice in one pull batch; commit each page once per batch.`,
        { details: { pageId: row.pageId } },
      );
    }
    seen.add(row.pageId);
  }
}

/** Records among `recordIds` with a local edit not yet pushed. */
async function pendingLocalRecords(
  trx: Kysely<Database>,
  recordIds: number[],
): Promise<Set<number>> {
  if (recordIds.length === 0) return new Set();
  const rows = await trx
    .selectFrom('outbox')
    .select('record_id')
    .where('record_id', 'in', recordIds)
    .where('state', 'in', ['pending', 'in_flight', 'dead'])
    .execute();
  return new Set(rows.map((r) => r.record_id));
}

/** Attaches new pages to the locally created records their sync key names. */
async function adoptBySyncKey(
  trx: Kysely<Database>,
  input: CommitPullBatchInput,
  existing: Map<string, RecordRow>,
  now: string,
): Promise<void> {
  const keyed = input.rows.filter((r) => !existing.has(r.pageId) && r.syncKey);
  if (keyed.length === 0) return;
  const waiting = await trx
    .selectFrom('records')
    .selectAll()
    .where('source_id', '=', input.sourceId)
    .where('page_id', 'is', null)
    .where(
      'local_key',
      'in',
      keyed.map((r) => r.syncKey!),
    )
    .execute();
  for (const record of waiting) {
    const row = keyed.find((r) => r.syncKey === record.local_key)!;
    const adopted = await trx
      .updateTable('records')
      .set({ page_id: row.pageId, created_time: row.createdTime, updated_at: now })
      .where('id', '=', record.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    existing.set(row.pageId, adopted);
  }
}

const columnList = (columns: readonly string[]) => columns.map(quoteIdentifier).join(', ');

const RECORD_COLUMNS = [
  'source_id',
  'page_id',
  'local_key',
  'parent_id',
  'last_seq',
  'notion_last_edited_time',
  'created_time',
  'created_at',
  'updated_at',
] as const;

async function insertMissingRecords(
  ctx: RepositoryContext,
  trx: Kysely<Database>,
  input: CommitPullBatchInput,
  existing: Map<string, RecordRow>,
  now: string,
): Promise<void> {
  const missing = input.rows.filter((r) => !existing.has(r.pageId));
  if (missing.length === 0) return;
  const records = ctx.dialect.tableRef('records');
  const inserted = (await ctx.dialect.executeValues(
    trx,
    {
      sql: (values) =>
        `insert into ${records} (${columnList(RECORD_COLUMNS)}) values ${values} returning *`,
      tuple: RECORD_COLUMNS.map(() => '?'),
    },
    missing.map((row) => [
      input.sourceId,
      row.pageId,
      row.pageId,
      row.parentId ?? null,
      0,
      row.notionLastEditedTime,
      row.createdTime,
      now,
      now,
    ]),
  )) as RecordRow[];
  for (const row of inserted) if (row.page_id) existing.set(row.page_id, row);
}

async function previousContents(
  trx: Kysely<Database>,
  records: RecordRow[],
): Promise<Map<number, string | null>> {
  const versionIds = records
    .map((r) => r.current_version_id)
    .filter((id): id is number => id !== null);
  if (versionIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('versions')
    .select(['record_id', 'content'])
    .where('id', 'in', versionIds)
    .execute();
  return new Map(rows.map((r) => [r.record_id, r.content]));
}

function summarize(rows: PulledRow[], results: PullRowResult[]): CommitPullBatchResult {
  const order = new Map(rows.map((r, i) => [r.pageId, i]));
  results.sort((a, b) => (order.get(a.pageId) ?? 0) - (order.get(b.pageId) ?? 0));
  const count = (o: PullRowOutcome) => results.filter((r) => r.outcome === o).length;
  return {
    rows: results,
    created: count('created'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    restored: results.filter((r) => r.restored).length,
  };
}
