// Runs are the audit trail and the per-source lease. Invariants: never two runs of one source at
// once — the store allows one `running` run per source (a unique index, so it holds across
// processes and machines sharing the store); a second start is `source_busy`. A run keeps its
// lease alive with heartbeats; a run whose process died is taken over once its heartbeat is
// older than the stale limit — at once when that process ran on this host (host + pid recorded). Every request made inside a run's async scope is counted for it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import { NotionSyncError } from '../errors.ts';
import type { NotionClient } from '../notion/index.ts';
import { redactUrlCredentialsDeep } from '../shared/index.ts';
import type { CoverageGaps, PullCounts } from './engine-types.ts';
import type { Run, RunError, Store } from './store-api.ts';

export interface RunMeter {
  counts: PullCounts;
  gaps: CoverageGaps;
  apiCalls: Record<string, number>;
  calls: number;
  rateLimitWaits: number;
  errors: RunError[];
  /** Counts of other run kinds (push), stored with the run beside the pull counts. */
  extraCounts?: Record<string, number>;
}

export function createRunMeter(): RunMeter {
  return {
    counts: { fetched: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, restored: 0 },
    gaps: {
      cappedQueries: 0,
      incompleteValues: 0,
      incompleteContent: 0,
      unreachableMinutes: 0,
      missingFiles: 0,
    },

    apiCalls: {},
    calls: 0,
    rateLimitWaits: 0,
    errors: [],
  };
}

const scope = new AsyncLocalStorage<RunMeter>();
const metered = new WeakSet<NotionClient>();

/** Counts every request of `notion` made inside `withRunMeter` into that run's meter. */
export function meterRequests(notion: NotionClient): void {
  if (metered.has(notion)) return;
  metered.add(notion);
  notion.onRequest((record) => {
    const meter = scope.getStore();
    if (!meter) return;
    meter.calls += 1;
    meter.apiCalls[record.endpoint] = (meter.apiCalls[record.endpoint] ?? 0) + 1;
    if (record.status === 429 || record.status === 529) meter.rateLimitWaits += 1;
  });
}

export function withRunMeter<T>(meter: RunMeter, fn: () => Promise<T>): Promise<T> {
  return scope.run(meter, fn);
}

/** Whether no process `pid` exists on this host (EPERM means it exists under another user). */
function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code =
    (error as { code?: unknown })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed|duplicate key/i.test(message)
  );
}

/** Minimum real time between two progress writes of a run's own batches. */
const PROGRESS_WRITE_MS = 1_000;

export interface RunLease {
  run: Run;
  heartbeat(meter: RunMeter): Promise<void>;
  finish(status: 'ok' | 'failed' | 'partial' | 'interrupted', meter: RunMeter): Promise<Run>;
}

function progressOf(meter: RunMeter) {
  return {
    counts: { ...meter.counts, ...meter.gaps, ...meter.extraCounts },
    apiCalls: meter.apiCalls,
    rateLimitWaits: meter.rateLimitWaits,
    // Stored in the audit trail and shown by `runs`: no URL password (a baseUrl's) in it.
    errors: redactUrlCredentialsDeep(meter.errors),
  };
}

/**
 * Takes the source's lease by starting a run. `source_busy` when another live run holds it
 * (also when two starts race: the store's unique index refuses the second).
 */
export async function startRun(
  store: Store,
  input: {
    /** `pull` by default; push and sync runs take the same lease. */
    kind?: string;
    sourceId: number;
    sourceName: string;
    trigger: string;
    staleAfterMs: number;
    heartbeatMs: number;
  },
): Promise<RunLease> {
  let run: Run;
  try {
    run = await store.runs.start({
      sourceId: input.sourceId,
      kind: input.kind ?? 'pull',
      trigger: input.trigger,
      staleAfterMs: input.staleAfterMs,
      owner: { host: hostname(), pid: process.pid },
      isGone: isProcessGone,
    });
  } catch (error) {
    if (error instanceof NotionSyncError && error.code === 'source_busy') {
      throw new NotionSyncError(
        'source_busy',
        `Source "${input.sourceName}" is already being synced (run ${String(error.details.runId)}); ` +
          'two runs of one source never overlap — wait for it to finish, or check `notion-sync runs`.',
        { details: { ...error.details, source: input.sourceName }, cause: error },
      );
    }
    if (!isUniqueViolation(error)) throw error;
    throw new NotionSyncError(
      'source_busy',
      `Source "${input.sourceName}" is already being synced by another process; two runs of one source never overlap.`,
      { details: { source: input.sourceName, sourceId: input.sourceId }, cause: error },
    );
  }
  let latest: RunMeter | null = null;
  let lastWriteAt = Number.NEGATIVE_INFINITY;
  let beating: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    // Beats even before the first batch: a long resolve or walk must not look like a dead run.
    beating = store.runs.heartbeat(run.id, latest ? progressOf(latest) : {}).catch(() => {});
  }, input.heartbeatMs);
  timer.unref();
  return {
    run,
    heartbeat: async (meter) => {
      latest = meter;
      // Progress is written at most once a second: each write is a commit of its own (an fsync
      // on SQLite), which per batch cost a pull as much as the batch itself. The timer above
      // and `finish` write the rest.
      const at = performance.now();
      if (at - lastWriteAt < PROGRESS_WRITE_MS) return;
      lastWriteAt = at;
      await store.runs.heartbeat(run.id, progressOf(meter));
    },
    finish: async (status, meter) => {
      clearInterval(timer);
      await beating;
      return store.runs.finish(run.id, { status, ...progressOf(meter) });
    },
  };
}

/** The gaps a finished run recorded (stored in its counts). */
export function gapsOf(run: Run): CoverageGaps {
  return {
    cappedQueries: run.counts.cappedQueries ?? 0,
    incompleteValues: run.counts.incompleteValues ?? 0,
    incompleteContent: run.counts.incompleteContent ?? 0,
    missingFiles: run.counts.missingFiles ?? 0,
    unreachableMinutes: run.counts.unreachableMinutes ?? 0,
  };
}
