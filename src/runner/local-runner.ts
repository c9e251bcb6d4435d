// The local runner: jobs run in this process, one at a time per source (a source's jobs wait
// in line behind each other), sources side by side — all sharing the engine's one Notion
// connection and therefore its one pacing budget. Invariants: a job never starts while another
// job of its source runs here; across processes the source's lease (the run) refuses a second
// run (`busy`); `stop` refuses new jobs, aborts the running ones and waits a bounded time.
import { NotionSyncError } from '../errors.ts';
import { type Clock, type Logger, silentLogger, systemClock } from '../shared/index.ts';
import type { Engine } from '../sync/index.ts';
import { executeJob, type Job, type JobContext, type JobOutcome } from './job.ts';
import type { Runner, RunnerStopResult, StartedJob } from './runner.ts';
import { sleepOn } from './sleep.ts';

export interface LocalRunnerOptions {
  engine: Engine;
  clock?: Clock;
  logger?: Logger;
  /** Replaces `executeJob` (tests wrap it to make a run take time on the injected clock). */
  execute?: (engine: Engine, job: Job, context: JobContext) => Promise<JobOutcome>;
}

interface SourceLane {
  /** Jobs running or waiting. */
  size: number;
  tail: Promise<unknown>;
}

function busyError(source: string): NotionSyncError {
  return new NotionSyncError(
    'source_busy',
    `Source "${source}" is already being synced; two runs of one source never overlap — wait for it to finish (see /api/v1/runs).`,
    { details: { source } },
  );
}

export function createLocalRunner(options: LocalRunnerOptions): Runner {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const execute = options.execute ?? executeJob;
  const lanes = new Map<string, SourceLane>();
  const running = new Set<Promise<unknown>>();
  const listeners = new Set<(outcome: JobOutcome, durationMs: number) => void>();
  const abort = new AbortController();
  let stopping = false;

  function refuseWhenStopping(job: Job): void {
    if (!stopping) return;
    throw new NotionSyncError(
      'source_busy',
      `The server is shutting down; job ${job.kind} of "${job.source}" was not started.`,
      {
        details: { source: job.source },
      },
    );
  }

  async function runNow(job: Job, onRun?: (runId: number) => void): Promise<JobOutcome> {
    // A job still waiting in line when the runner stops is dropped: nothing of it ran.
    if (stopping)
      return {
        job,
        status: 'interrupted',
        runId: null,
        errors: [],
        rows: { created: 0, updated: 0, deleted: 0 },
      };
    const started = clock.now();
    const outcome = await execute(options.engine, job, {
      signal: abort.signal,
      ...(onRun ? { onRun } : {}),
    });
    const durationMs = clock.now() - started;
    logger.info(
      {
        job: job.kind,
        source: job.source,
        trigger: job.trigger,
        status: outcome.status,
        runId: outcome.runId,
        durationMs,
      },
      'job finished',
    );
    for (const listener of listeners) listener(outcome, durationMs);
    return outcome;
  }

  /** Puts `job` at the end of its source's lane; `onRun` fires when its run exists. */
  function submit(job: Job, onRun?: (runId: number) => void): Promise<JobOutcome> {
    const lane = lanes.get(job.source) ?? { size: 0, tail: Promise.resolve() };
    lanes.set(job.source, lane);
    lane.size += 1;
    const done = lane.tail.then(() => runNow(job, onRun));
    const settled = done.finally(() => {
      lane.size -= 1;
      running.delete(settled);
      if (lane.size === 0) lanes.delete(job.source);
    });
    lane.tail = settled.catch(() => {});
    running.add(settled);
    return done;
  }

  return {
    async start(job): Promise<StartedJob> {
      refuseWhenStopping(job);
      if ((lanes.get(job.source)?.size ?? 0) > 0) throw busyError(job.source);
      let reportRun: (runId: number) => void = () => {};
      const hasRun = new Promise<number>((resolve) => {
        reportRun = resolve;
      });
      const done = submit(job, (runId) => reportRun(runId));
      const first = await Promise.race([hasRun, done]);
      if (typeof first === 'number') return { runId: first, done };
      if (first.status === 'busy') throw busyError(job.source);
      return { runId: first.runId, done };
    },
    enqueue(job) {
      refuseWhenStopping(job);
      return submit(job);
    },
    isBusy: (source) => (lanes.get(source)?.size ?? 0) > 0,
    onJobDone(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop(timeoutMs): Promise<RunnerStopResult> {
      stopping = true;
      abort.abort();
      if (running.size === 0) return { abandoned: 0 };
      const timer = new AbortController();
      const all = Promise.allSettled([...running]).then(() => true);
      const finished = await Promise.race([
        all,
        sleepOn(clock, timeoutMs, timer.signal).then(() => false),
      ]);
      timer.abort();
      return { abandoned: finished ? 0 : running.size };
    },
  };
}
