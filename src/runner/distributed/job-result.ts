// What a worker leaves on a pg-boss job: the outcome of the job's run, or the id of the copy it
// handed the job on to (the source was busy elsewhere, or the worker stopped mid-run). A failed
// job carries its outcome on the error pg-boss stores, so the dead letter queue shows why.
import type { Job, JobOutcome } from '../job.ts';

export type JobResult = { outcome: JobOutcome } | { requeuedAs: string };

/** The error a worker throws for a failed job: pg-boss keeps `outcome` and `code` in its output. */
export class JobFailedError extends Error {
  readonly code: string;
  readonly outcome: JobOutcome;
  constructor(outcome: JobOutcome) {
    const first = outcome.errors[0];
    super(first ? `${first.code}: ${first.message}` : `job ${outcome.job.kind} failed`);
    this.name = 'JobFailedError';
    this.code = first?.code ?? 'job_failed';
    this.outcome = outcome;
  }
}

/** The outcome a failed job's stored output describes (ours, or a crash pg-boss recorded). */
export function outcomeOfFailure(job: Job, output: unknown): JobOutcome {
  const stored = output as { outcome?: JobOutcome; message?: string; code?: string } | null;
  if (stored?.outcome) return stored.outcome;
  return {
    job,
    status: 'failed',
    runId: null,
    errors: [
      {
        code: stored?.code ?? 'job_failed',
        message: stored?.message ?? 'the job failed without a message (its worker may have died)',
        at: new Date().toISOString(),
      },
    ],
    rows: { created: 0, updated: 0, deleted: 0 },
  };
}

/** A one-line reason of a failed or dead-lettered job's output, for `status`. */
export function failureMessage(output: unknown): string {
  const stored = output as { message?: string; code?: string; value?: unknown } | null;
  const { message, code } = stored ?? {};
  if (message) return code && !message.startsWith(code) ? `${code}: ${message}` : message;
  return typeof stored?.value === 'string' ? stored.value : 'no error recorded';
}
