// The distributed runner: `serve` (and anything else holding a Runner) sends jobs to the
// PostgreSQL queue instead of running them; `notion-sync worker` processes run them. Invariants:
// a job sent is never lost (it is a row before `enqueue` returns its promise); interactive jobs
// (API, MCP, console, webhook refreshes) go to a queue of their own, which workers serve in slots
// of their own, so they never wait behind scheduled ones or a backfill; a job a worker handed back
// (its source was busy, or the worker stopped) is followed to the copy that replaced it, so the
// caller learns the outcome of the run that actually happened.
import { NotionSyncError } from '../../errors.ts';
import { type Logger, silentLogger } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import type { Job, JobOutcome } from '../job.ts';
import type { Runner, RunnerStopResult, StartedJob } from '../runner.ts';
import { INTERACTIVE_QUEUE, JOB_QUEUE, type JobQueue } from './job-queue.ts';
import { type JobResult, outcomeOfFailure } from './job-result.ts';

export interface DistributedRunnerOptions {
  queue: JobQueue;
  store: Store;
  logger?: Logger;
  /** How often a waiting caller looks at its job (real time: it is polling, not scheduling). */
  pollMs?: number;
}

/**
 * The queue a job goes to: interactive ones (API, MCP, console, webhook refreshes) have worker
 * slots of their own; scheduled runs and janitor are bulk.
 */
export function queueOf(job: Job): string {
  return job.trigger === 'schedule' || job.kind === 'janitor' ? JOB_QUEUE : INTERACTIVE_QUEUE;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export function createDistributedRunner(options: DistributedRunnerOptions): Runner {
  const { queue, store } = options;
  const logger = options.logger ?? silentLogger;
  const pollMs = options.pollMs ?? 500;
  const waiting = new Map<string, number>();
  const listeners = new Set<(outcome: JobOutcome, durationMs: number) => void>();
  const stopper = new AbortController();

  async function send(job: Job): Promise<string> {
    if (stopper.signal.aborted)
      throw new NotionSyncError(
        'source_busy',
        `The server is shutting down; job ${job.kind} of "${job.source}" was not queued.`,
        { details: { source: job.source } },
      );
    const id = await queue.boss.send(queueOf(job), { ...job });
    if (!id) throw new NotionSyncError('internal', `The job queue refused job ${job.kind}.`);
    logger.debug({ jobId: id, job: job.kind, source: job.source }, 'job queued');
    return id;
  }

  /** Polls the job (and the copies a worker handed it on to) until it ends. */
  async function outcomeOf(job: Job, firstId: string): Promise<JobOutcome> {
    let id = firstId;
    const started = Date.now();
    for (;;) {
      if (stopper.signal.aborted) return interrupted(job, 'the runner stopped waiting');
      let row: Awaited<ReturnType<typeof queue.boss.findJobs<Job>>>[number] | undefined;
      try {
        [row] = await queue.boss.findJobs<Job>(queueOf(job), { id });
      } catch (error) {
        // The database went away for a moment: the job is safe in it; look again later.
        logger.warn({ jobId: id, err: (error as Error).message }, 'job queue unreachable');
        await new Promise((resolve) => setTimeout(resolve, pollMs * 4));
        continue;
      }
      if (!row) return interrupted(job, 'the job is no longer in the queue');
      if (TERMINAL.has(row.state)) {
        const result = row.output as JobResult | null;
        if (row.state === 'completed' && result && 'requeuedAs' in result) {
          id = result.requeuedAs;
          continue;
        }
        const outcome =
          row.state === 'completed' && result && 'outcome' in result
            ? result.outcome
            : outcomeOfFailure(job, row.output);
        for (const listener of listeners) listener(outcome, Date.now() - started);
        return outcome;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Counts the job as waiting here from the moment it is submitted until its outcome. */
  function track(job: Job, sent: Promise<string>): Promise<JobOutcome> {
    waiting.set(job.source, (waiting.get(job.source) ?? 0) + 1);
    return sent
      .then((id) => outcomeOf(job, id))
      .finally(() => {
        const left = (waiting.get(job.source) ?? 1) - 1;
        if (left === 0) waiting.delete(job.source);
        else waiting.set(job.source, left);
      });
  }

  async function refuseWhenRunning(job: Job): Promise<void> {
    const source = await store.sources.getByName(job.source);
    if (!source) return;
    const [run] = await store.runs.list({ sourceId: source.id, status: 'running', limit: 1 });
    if (!run) return;
    throw new NotionSyncError(
      'source_busy',
      `Source "${job.source}" is already being synced (run ${run.id}); two runs of one source never overlap — wait for it to finish (see /api/v1/runs).`,
      { details: { source: job.source, runId: run.id } },
    );
  }

  return {
    async start(job): Promise<StartedJob> {
      await refuseWhenRunning(job);
      const id = await send(job);
      // The run starts on a worker; its id shows in /api/v1/runs once a worker took the job.
      return { runId: null, done: track(job, Promise.resolve(id)) };
    },
    enqueue: (job) => track(job, send(job)),
    isBusy: (source) => (waiting.get(source) ?? 0) > 0,
    onJobDone(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop(): Promise<RunnerStopResult> {
      // Queued jobs stay queued for the workers; only the waiting here ends.
      stopper.abort();
      return { abandoned: 0 };
    },
  };
}

function interrupted(job: Job, message: string): JobOutcome {
  return {
    job,
    status: 'interrupted',
    runId: null,
    errors: [{ code: 'run_interrupted', message, at: new Date().toISOString() }],
    rows: { created: 0, updated: 0, deleted: 0 },
  };
}

/**
 * The slot (epoch ms) of the newest scheduled job of `lane` in the queue (any state), or null:
 * what a newly elected scheduler plans after, so a slot the previous leader queued is not queued
 * again. The slot, not the row's creation time: the database's clock may differ from ours.
 */
export async function lastQueuedScheduleMs(queue: JobQueue, lane: string): Promise<number | null> {
  const { rows } = await queue.boss.getDb().executeSql(
    `select max((data->>'scheduledFor')::bigint) as at from "${queue.schema}".job
        where name = $1 and data->>'source' = $2 and data ? 'scheduledFor'`,
    [JOB_QUEUE, lane],
  );
  const at = (rows[0] as { at: string | number | null } | undefined)?.at;
  return at === null || at === undefined ? null : Number(at);
}
