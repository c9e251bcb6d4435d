// The worker side of the distributed runner: takes bulk jobs from the PostgreSQL queue,
// `concurrency` at a time, and interactive ones from theirs in `interactiveConcurrency` slots of
// their own, and runs each through the engine. Invariants:
// - a job whose source another process is running is handed on (a copy queued a little later),
//   never run beside it; a scheduled one is dropped instead (the running one does its work);
// - stop() aborts the running jobs (they stop at a batch boundary with their checkpoint) and
//   hands each on to another worker, so a graceful shutdown loses no job;
// - a failed job is thrown back to pg-boss: retried with backoff, then dead-lettered with its
//   outcome; a worker killed outright stops heartbeating and pg-boss gives its job to another.
import { z } from 'zod';
import { NotionSyncError } from '../../errors.ts';
import { type Logger, silentLogger } from '../../shared/index.ts';
import type { Engine } from '../../sync/index.ts';
import { executeJob, type Job, type JobContext, type JobOutcome } from '../job.ts';
import { queueOf } from './distributed-runner.ts';
import { INTERACTIVE_QUEUE, JOB_QUEUE, JOB_QUEUES, type JobQueue } from './job-queue.ts';
import { JobFailedError, type JobResult } from './job-result.ts';

export interface JobWorkerOptions {
  queue: JobQueue;
  engine: Engine;
  /** Bulk jobs (schedules, backfills) run at once. */
  concurrency: number;
  /** Interactive jobs (API, MCP, console, webhook refreshes) run at once, beside the bulk ones. */
  interactiveConcurrency?: number;
  logger?: Logger;
  /** Seconds before a handed-on job may run again. */
  handOnDelaySeconds?: number;
  /** Seconds between polls of the queue. */
  pollingSeconds?: number;
  /** Replaces `executeJob` (tests). */
  execute?: (engine: Engine, job: Job, context: JobContext) => Promise<JobOutcome>;
}

export interface RunningJob {
  jobId: string;
  kind: Job['kind'];
  source: string;
  trigger: string;
  since: string;
}

export interface JobWorker {
  start(): Promise<void>;
  /** The jobs this process runs now. */
  running(): RunningJob[];
  onJobDone(listener: (outcome: JobOutcome, durationMs: number) => void): () => void;
  /** Stops taking jobs, aborts the running ones (handed on) and waits up to `timeoutMs`. */
  stop(timeoutMs: number): Promise<{ abandoned: number }>;
}

const jobSchema = z.union([
  z.object({
    kind: z.enum(['pull', 'push', 'sync']),
    source: z.string().min(1),
    trigger: z.string().min(1),
    full: z.boolean().optional(),
    scheduledFor: z.number().optional(),
  }),
  z.object({
    kind: z.literal('refresh'),
    source: z.string().min(1),
    pageIds: z.array(z.string()),
    trigger: z.string().min(1),
  }),
  z.object({
    kind: z.literal('janitor'),
    source: z.string(),
    trigger: z.string().min(1),
    scheduledFor: z.number().optional(),
  }),
]);

/** The job a queue row holds; `job_invalid` (a poison job) when it is not one. */
export function parseQueuedJob(data: unknown): Job {
  const parsed = jobSchema.safeParse(data);
  if (parsed.success) return parsed.data as Job;
  throw new NotionSyncError(
    'job_invalid',
    `The queued job is not a notion-sync job (${parsed.error.issues[0]?.message ?? 'bad shape'}); it was sent by something else or an incompatible version.`,
  );
}

export function createJobWorker(options: JobWorkerOptions): JobWorker {
  const { queue, engine } = options;
  const logger = options.logger ?? silentLogger;
  const execute = options.execute ?? executeJob;
  const handOnDelay = options.handOnDelaySeconds ?? 3;
  const stopper = new AbortController();
  const active = new Map<string, RunningJob>();
  const listeners = new Set<(outcome: JobOutcome, durationMs: number) => void>();

  async function handOn(job: Job, why: string): Promise<JobResult> {
    const id = await queue.boss.send(queueOf(job), { ...job }, { startAfter: handOnDelay });
    logger.info({ job: job.kind, source: job.source, requeuedAs: id, why }, 'job handed on');
    return { requeuedAs: id as string };
  }

  async function run(jobId: string, data: unknown, signal: AbortSignal): Promise<JobResult> {
    const job = parseQueuedJob(data);
    const started = Date.now();
    active.set(jobId, {
      jobId,
      kind: job.kind,
      source: job.source,
      trigger: job.trigger,
      since: new Date(started).toISOString(),
    });
    try {
      const outcome = await execute(engine, job, {
        signal: AbortSignal.any([signal, stopper.signal]),
      });
      for (const listener of listeners) listener(outcome, Date.now() - started);
      logger.info(
        { jobId, job: job.kind, source: job.source, status: outcome.status, runId: outcome.runId },
        'job finished',
      );
      if (outcome.status === 'ok' || outcome.status === 'skipped') return { outcome };
      if (outcome.status === 'busy')
        return job.trigger === 'schedule' ? { outcome } : handOn(job, 'source busy');
      if (outcome.status === 'interrupted') return handOn(job, 'worker stopping');
      throw new JobFailedError(outcome);
    } finally {
      active.delete(jobId);
    }
  }

  return {
    async start() {
      const lanes: [string, number][] = [
        [JOB_QUEUE, options.concurrency],
        [INTERACTIVE_QUEUE, options.interactiveConcurrency ?? 1],
      ];
      for (const [name, localConcurrency] of lanes)
        await queue.boss.work<unknown, JobResult>(
          name,
          { localConcurrency, batchSize: 1, pollingIntervalSeconds: options.pollingSeconds ?? 1 },
          async ([pgJob]) => {
            if (!pgJob) throw new Error('empty batch');
            return run(pgJob.id, pgJob.data, pgJob.signal);
          },
        );
    },
    running: () => [...active.values()].map((entry) => ({ ...entry })),
    onJobDone(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop(timeoutMs) {
      stopper.abort();
      // Waits until the running handlers returned and pg-boss recorded their results (a handed-on
      // job completed), so closing the queue afterwards cannot fail a job that had finished.
      const drained = Promise.all(
        JOB_QUEUES.map((name) => queue.boss.offWork(name, { wait: true })),
      ).then(
        () => true,
        () => true,
      );
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const finished = await Promise.race([drained, timeout]);
      clearTimeout(timer);
      return { abandoned: finished ? 0 : active.size };
    },
  };
}
