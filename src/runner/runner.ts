// The runner interface every runner implements (DESIGN.md §5): the local one here, a
// distributed (pg-boss) one later. Callers — the scheduler, the webhook processor, the REST API,
// MCP — submit jobs and never call the engine themselves.
import type { Job, JobOutcome } from './job.ts';

export interface StartedJob {
  /** The run the job started (null when it ended before taking a lease, e.g. skipped). */
  runId: number | null;
  done: Promise<JobOutcome>;
}

export interface RunnerStopResult {
  /** Jobs still running when the time was up (their runs are left to the stale-run takeover). */
  abandoned: number;
}

export interface Runner {
  /**
   * Starts `job` now and resolves once its run exists. Rejects with `source_busy` when a job of
   * the same source is running (here, or — through the source's lease — in another process).
   */
  start(job: Job): Promise<StartedJob>;
  /** Runs `job` after the jobs of its source already submitted; resolves when it is done. */
  enqueue(job: Job): Promise<JobOutcome>;
  /** True while a job of `source` runs or waits in this runner. */
  isBusy(source: string): boolean;
  /** Called after every job. */
  onJobDone(listener: (outcome: JobOutcome, durationMs: number) => void): () => void;
  /** Refuses new jobs, aborts the running ones (they checkpoint) and waits up to `timeoutMs`. */
  stop(timeoutMs: number): Promise<RunnerStopResult>;
}
