// Runs are the audit trail. At most one run per source is `running` at a time (a partial unique
// index enforces it on both dialects); a run whose heartbeat is older than the caller's stale
// limit (its process died), or whose owning process on the caller's host is gone, is marked
// `abandoned` so the next run can start.
import type { Kysely } from 'kysely';
import { NotionSyncError } from '../errors.ts';
import { toJsonText } from './json-columns.ts';
import type { RepositoryContext } from './repository-context.ts';
import { toRun } from './row-mappers.ts';
import type { Database } from './schema.ts';
import type { Run, RunError, RunOwner, RunStatus } from './store-types.ts';

export interface StartRunInput {
  sourceId?: number | null;
  /** `pull`, `push`, `sync`, `reconcile`, `janitor`, … */
  kind: string;
  /** `cli`, `schedule`, `webhook:<event id>`, `mcp`, `api`, … */
  trigger: string;
  /** A running run of the same source with an older heartbeat is abandoned; default 10 min. */
  staleAfterMs?: number;
  /** The process taking the lease, recorded on the run. */
  owner?: RunOwner;
  /**
   * Whether process `pid` of the caller's host is gone: a running run it owned is abandoned at
   * once, without waiting for its heartbeat to go stale.
   */
  isGone?: (pid: number) => boolean;
}

export interface RunProgress {
  counts?: Record<string, number>;
  apiCalls?: Record<string, number>;
  rateLimitWaits?: number;
  errors?: RunError[];
}

export interface FinishRunInput extends RunProgress {
  status: Exclude<RunStatus, 'running'>;
}

export interface RunsRepository {
  /** Starts a run; `source_busy` when the source already has a live running run. */
  start(input: StartRunInput): Promise<Run>;
  /** Stores progress so far and refreshes the heartbeat. */
  heartbeat(runId: number, progress?: RunProgress): Promise<void>;
  finish(runId: number, input: FinishRunInput): Promise<Run>;
  get(runId: number): Promise<Run | null>;
  /** Newest first; `beforeId` pages on (runs with a smaller id). */
  list(options?: ListRunsOptions): Promise<Run[]>;
}

export interface ListRunsOptions {
  sourceId?: number;
  limit?: number;
  status?: string;
  kind?: string;
  /** Runs whose trigger starts with this (`webhook:` finds every webhook-driven run). */
  triggerPrefix?: string;
  beforeId?: number;
}

const DEFAULT_STALE_MS = 10 * 60_000;

export function createRunsRepository(ctx: RepositoryContext): RunsRepository {
  const { dialect } = ctx;
  const db = dialect.db;

  function progressValues(progress: RunProgress) {
    return {
      heartbeat_at: ctx.now(),
      ...(progress.counts ? { counts: toJsonText(progress.counts) } : {}),
      ...(progress.apiCalls ? { api_calls: toJsonText(progress.apiCalls) } : {}),
      ...(progress.rateLimitWaits !== undefined
        ? { rate_limit_waits: progress.rateLimitWaits }
        : {}),
      ...(progress.errors ? { errors: toJsonText(progress.errors) } : {}),
    };
  }

  const startIn = (input: StartRunInput) =>
    dialect.transaction(async (trx) => {
      const now = ctx.now();
      const sourceId = input.sourceId ?? null;
      if (sourceId !== null) {
        const staleBefore = new Date(
          Date.parse(now) - (input.staleAfterMs ?? DEFAULT_STALE_MS),
        ).toISOString();
        await trx
          .updateTable('runs')
          .set({ status: 'abandoned', finished_at: now })
          .where('source_id', '=', sourceId)
          .where('status', '=', 'running')
          .where('heartbeat_at', '<', staleBefore)
          .execute();
        await abandonDeadOwners(trx, sourceId, input, now);
        const running = await trx
          .selectFrom('runs')
          .select(['id', 'started_at'])
          .where('source_id', '=', sourceId)
          .where('status', '=', 'running')
          .executeTakeFirst();
        if (running) throw busy(sourceId, running);
      }
      const row = await trx
        .insertInto('runs')
        .values({
          source_id: sourceId,
          kind: input.kind,
          trigger: input.trigger,
          status: 'running',
          started_at: now,
          heartbeat_at: now,
          counts: '{}',
          api_calls: '{}',
          rate_limit_waits: 0,
          errors: '[]',
          host: input.owner?.host ?? null,
          pid: input.owner?.pid ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRun(row);
    });

  return {
    start: (input) =>
      startIn(input).catch((error: unknown) => {
        // Two processes raced past the check: the partial unique index let only one insert.
        if (isUniqueViolation(error)) throw busy(input.sourceId ?? null, null);
        throw error;
      }),

    heartbeat: async (runId, progress = {}) => {
      await dialect.transaction((trx) =>
        trx.updateTable('runs').set(progressValues(progress)).where('id', '=', runId).execute(),
      );
    },

    finish: (runId, input) =>
      dialect.transaction(async (trx) => {
        const row = await trx
          .updateTable('runs')
          .set({ ...progressValues(input), status: input.status, finished_at: ctx.now() })
          .where('id', '=', runId)
          .returningAll()
          .executeTakeFirst();
        if (!row) {
          throw new NotionSyncError('store_not_found', `No run with id ${runId}.`, {
            details: { runId },
          });
        }
        return toRun(row);
      }),

    get: async (runId) => {
      const row = await db
        .selectFrom('runs')
        .selectAll()
        .where('id', '=', runId)
        .executeTakeFirst();
      return row ? toRun(row) : null;
    },

    list: async (options = {}) => {
      let query = db.selectFrom('runs').selectAll();
      if (options.sourceId !== undefined) query = query.where('source_id', '=', options.sourceId);
      if (options.status !== undefined) query = query.where('status', '=', options.status);
      if (options.kind !== undefined) query = query.where('kind', '=', options.kind);
      if (options.triggerPrefix !== undefined)
        query = query.where('trigger', 'like', `${options.triggerPrefix}%`);
      if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
      const rows = await query
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit ?? 50)
        .execute();
      return rows.map(toRun);
    },
  };
}

/** Marks `abandoned` the running runs of `sourceId` whose process on this host is gone. */
async function abandonDeadOwners(
  trx: Kysely<Database>,
  sourceId: number,
  input: StartRunInput,
  now: string,
): Promise<void> {
  const { owner, isGone } = input;
  if (!owner || !isGone) return;
  const running = await trx
    .selectFrom('runs')
    .select(['id', 'pid'])
    .where('source_id', '=', sourceId)
    .where('status', '=', 'running')
    .where('host', '=', owner.host)
    .execute();
  const dead = running.filter((r) => r.pid !== null && r.pid !== owner.pid && isGone(r.pid));
  if (dead.length === 0) return;
  await trx
    .updateTable('runs')
    .set({ status: 'abandoned', finished_at: now })
    .where(
      'id',
      'in',
      dead.map((r) => r.id),
    )
    .execute();
}

function busy(
  sourceId: number | null,
  running: { id: number; started_at: string } | null,
): NotionSyncError {
  const by = running ? ` by run ${running.id} (started ${running.started_at})` : '';
  return new NotionSyncError(
    'source_busy',
    `Source ${sourceId} is already being synced${by}; wait for it to finish — two runs of one ` +
      'source never overlap.',
    { details: { sourceId, runId: running?.id ?? null } },
  );
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
