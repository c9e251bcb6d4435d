// Which files each version refers to, and the stored files themselves. Invariants: a reference
// carries a hash only when the bytes are stored under it (`stored`); a reference whose bytes are
// not (yet) kept says why in `state` — `pending`/`failed` (the next pull retries), `too_large`,
// `over_budget`, `gone` (coverage gaps), `link` (an external file kept as a link). References of
// a new version are written in the transaction that writes the version.
import { type Kysely, sql } from 'kysely';
import type { RepositoryContext, Row } from '../repository-context.ts';
import type { Database } from '../schema.ts';

export type FileRefState =
  | 'pending'
  | 'stored'
  | 'link'
  | 'failed'
  | 'too_large'
  | 'over_budget'
  | 'gone';

/** States the next pull tries again. */
export const RETRY_STATES: readonly FileRefState[] = ['pending', 'failed', 'over_budget'];
/** States that are coverage gaps (the file is not in the backup). */
export const GAP_STATES: readonly FileRefState[] = [
  'too_large',
  'over_budget',
  'gone',
  'failed',
  'pending',
];

export interface FileRefInput {
  slot: string;
  name: string;
  identity: string;
  kind: 'hosted' | 'external';
  /** False: keep it as a link only (an external file without `files.external`). */
  keep: boolean;
  /** The bytes are already stored under this hash (a file push uploaded from the store). */
  hash?: string;
}

export interface VersionFile {
  id: number;
  versionId: number;
  recordId: number;
  pageId: string | null;
  slot: string;
  name: string;
  identity: string;
  kind: 'hosted' | 'external';
  hash: string | null;
  state: FileRefState;
  error: string | null;
}

/** What became of the references to one identity (see recordOutcomes). */
export type FileOutcome = { refIds: number[] } & (
  | { state: 'stored'; hash: string; sizeBytes: number; contentType: string | null }
  | { state: FileRefState; error: string }
);

export interface StoredFileRow {
  hash: string;
  sizeBytes: number;
  contentType: string | null;
  createdAt: string;
}

const CHUNK = 400;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Hashes already stored for these identities (a file downloaded once is not downloaded again). */
async function knownHashes(
  trx: Kysely<Database>,
  identities: string[],
): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  for (const part of chunks([...new Set(identities)])) {
    const rows = await trx
      .selectFrom('version_files')
      .select(['identity', 'hash'])
      .where('identity', 'in', part)
      .where('state', '=', 'stored')
      .execute();
    for (const row of rows) if (row.hash) known.set(row.identity, row.hash);
  }
  return known;
}

/** Writes the file references of new versions (inside the version's transaction). */
export async function insertVersionFilesIn(
  trx: Kysely<Database>,
  entries: { versionId: number; recordId: number; refs: FileRefInput[] }[],
  now: string,
): Promise<void> {
  const all = entries.flatMap((e) => e.refs.map((ref) => ({ ...ref, ...e })));
  if (all.length === 0) return;
  const known = await knownHashes(
    trx,
    all.filter((r) => r.keep).map((r) => r.identity),
  );
  for (const part of chunks(all)) {
    await trx
      .insertInto('version_files')
      .values(
        part.map((r) => {
          const hash = r.keep ? (r.hash ?? known.get(r.identity) ?? null) : null;
          return {
            version_id: r.versionId,
            record_id: r.recordId,
            slot: r.slot,
            name: r.name,
            identity: r.identity,
            kind: r.kind,
            hash,
            state: !r.keep ? 'link' : hash ? 'stored' : 'pending',
            error: null,
            updated_at: now,
          };
        }),
      )
      .execute();
  }
}

type RefRow = Row<'version_files'> & { page_id: string | null };

function toVersionFile(row: RefRow): VersionFile {
  return {
    id: row.id,
    versionId: row.version_id,
    recordId: row.record_id,
    pageId: row.page_id,
    slot: row.slot,
    name: row.name,
    identity: row.identity,
    kind: row.kind as VersionFile['kind'],
    hash: row.hash,
    state: row.state as FileRefState,
    error: row.error,
  };
}

export interface VersionFilesFilter {
  sourceId?: number;
  pageId?: string;
  versionIds?: number[];
  states?: readonly FileRefState[];
  /** Only references of each record's current version (default true unless `versionIds`). */
  currentOnly?: boolean;
}

export function createVersionFilesRepository(ctx: RepositoryContext) {
  const db = ctx.dialect.db;
  return {
    async list(filter: VersionFilesFilter = {}): Promise<VersionFile[]> {
      let query = db
        .selectFrom('version_files as f')
        .innerJoin('records as r', 'r.id', 'f.record_id')
        .select([
          'f.id',
          'f.version_id',
          'f.record_id',
          'r.page_id',
          'f.slot',
          'f.name',
          'f.identity',
          'f.kind',
          'f.hash',
          'f.state',
          'f.error',
        ]);
      if (filter.versionIds) {
        if (filter.versionIds.length === 0) return [];
        query = query.where('f.version_id', 'in', filter.versionIds);
      }
      if (filter.currentOnly ?? !filter.versionIds)
        query = query.whereRef('f.version_id', '=', 'r.current_version_id');
      if (filter.sourceId !== undefined) query = query.where('r.source_id', '=', filter.sourceId);
      if (filter.pageId !== undefined) query = query.where('r.page_id', '=', filter.pageId);
      if (filter.states) query = query.where('f.state', 'in', [...filter.states]);
      const rows = await query.orderBy('f.id').execute();
      return rows.map((row) => toVersionFile(row as RefRow));
    },
    /**
     * Records downloads in one transaction: stored files' rows, then the references that name
     * them; failed references get their state and error.
     */
    recordOutcomes(outcomes: FileOutcome[]): Promise<void> {
      if (outcomes.length === 0) return Promise.resolve();
      const now = ctx.now();
      return ctx.dialect.transaction(async (trx) => {
        for (const o of outcomes) {
          if (o.state === 'stored' && 'hash' in o) {
            await trx
              .insertInto('files')
              .values({
                hash: o.hash,
                size_bytes: o.sizeBytes,
                content_type: o.contentType,
                data: null,
                created_at: now,
              })
              .onConflict((oc) => oc.column('hash').doUpdateSet({ content_type: o.contentType }))
              .execute();
          }
          for (const part of chunks(o.refIds)) {
            const stored = o.state === 'stored' && 'hash' in o;
            await trx
              .updateTable('version_files')
              .set({
                hash: stored ? o.hash : null,
                state: o.state,
                error: 'error' in o ? o.error : null,
                updated_at: now,
              })
              .where('id', 'in', part)
              .execute();
          }
        }
      });
    },
    /**
     * References for the current versions of rows pulled unchanged whose version has none yet
     * (kept before files were, or by an older notion-sync); local versions are left alone.
     * Returns the version ids it filled.
     */
    backfillRefs(entries: { recordId: number; refs: FileRefInput[] }[]): Promise<number[]> {
      if (entries.length === 0) return Promise.resolve([]);
      return ctx.dialect.transaction(async (trx) => {
        const current = await trx
          .selectFrom('records as r')
          .innerJoin('versions as v', 'v.id', 'r.current_version_id')
          .select(['r.id as record_id', 'v.id as version_id'])
          .where(
            'r.id',
            'in',
            entries.map((e) => e.recordId),
          )
          .where('v.origin', '<>', 'local')
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('version_files as f')
                  .select('f.id')
                  .whereRef('f.version_id', '=', 'v.id'),
              ),
            ),
          )
          .execute();
        const byRecord = new Map(entries.map((e) => [e.recordId, e.refs]));
        const filled = current.map((c) => ({
          versionId: c.version_id,
          recordId: c.record_id,
          refs: byRecord.get(c.record_id) ?? [],
        }));
        await insertVersionFilesIn(trx, filled, ctx.now());
        return filled.map((f) => f.versionId);
      });
    },
    /** File references of versions written outside a pull (push's versions). */
    insertRefs(entries: { versionId: number; recordId: number; refs: FileRefInput[] }[]) {
      return ctx.dialect.transaction((trx) => insertVersionFilesIn(trx, entries, ctx.now()));
    },
    /** Records stored bytes (idempotent: the same content is one row). */
    async recordFile(file: { hash: string; sizeBytes: number; contentType: string | null }) {
      await db
        .insertInto('files')
        .values({
          hash: file.hash,
          size_bytes: file.sizeBytes,
          content_type: file.contentType,
          data: null,
          created_at: ctx.now(),
        })
        .onConflict((oc) => oc.column('hash').doUpdateSet({ content_type: file.contentType }))
        .execute();
    },
    async getFile(hash: string): Promise<StoredFileRow | undefined> {
      const row = await db
        .selectFrom('files')
        .select(['hash', 'size_bytes', 'content_type', 'created_at'])
        .where('hash', '=', hash)
        .executeTakeFirst();
      return row
        ? {
            hash: row.hash,
            sizeBytes: Number(row.size_bytes),
            contentType: row.content_type,
            createdAt: row.created_at,
          }
        : undefined;
    },
    async totalBytes(): Promise<number> {
      const row = await db
        .selectFrom('files')
        .select(sql<number>`coalesce(sum(size_bytes), 0)`.as('total'))
        .executeTakeFirst();
      return Number(row?.total ?? 0);
    },
    /** Stored files no version refers to any more (janitor removes them). */
    async listUnreferenced(): Promise<string[]> {
      const rows = await db
        .selectFrom('files')
        .select('hash')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('version_files')
                .select('id')
                .whereRef('version_files.hash', '=', 'files.hash'),
            ),
          ),
        )
        .execute();
      return rows.map((r) => r.hash);
    },
    async deleteFileRows(hashes: string[]): Promise<void> {
      for (const part of chunks(hashes))
        await db.deleteFrom('files').where('hash', 'in', part).execute();
    },
    async isReferenced(hash: string): Promise<boolean> {
      const row = await db
        .selectFrom('version_files')
        .select('id')
        .where('hash', '=', hash)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type VersionFilesRepository = ReturnType<typeof createVersionFilesRepository>;
