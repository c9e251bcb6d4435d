// Cancelling a run with an AbortSignal. Invariant: a run stops only at a safe point — between
// committed batches or pushed items, never inside a transaction — so what it committed stays, its
// checkpoint is where the next run resumes, and its lease is released (run status `interrupted`).
import { NotionSyncError } from '../errors.ts';
import type { Clock } from '../shared/index.ts';

/** The error an interrupted run (and the `pull`/`push`/`sync` call) rejects with. */
export function interruptedError(what: string, details: Record<string, unknown> = {}) {
  return new NotionSyncError(
    'run_interrupted',
    `${what} was interrupted; what it committed is kept and the next run resumes from its checkpoint.`,
    { details },
  );
}

/** Throws `run_interrupted` when `signal` has aborted: call it at a safe point. */
export function throwIfInterrupted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw interruptedError(what);
}

export function isInterrupted(error: unknown): boolean {
  return error instanceof NotionSyncError && error.code === 'run_interrupted';
}

/** Sleeps on `clock`, waking early (without throwing) when `signal` aborts. */
export async function sleepUnlessAborted(
  clock: Clock,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!signal) return clock.sleep(ms);
  if (signal.aborted) return;
  let onAbort = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([clock.sleep(ms), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Ends an engine call whose signal aborted: rejects with `run_interrupted`, naming each source's
 * run and how it ended (those that finished first keep `ok`).
 */
export function throwIfAborted(
  signal: AbortSignal | undefined,
  what: string,
  result: { sources: { source: string; status: string; runId: number | null }[] },
): void {
  if (!signal?.aborted) return;
  throw interruptedError(what, {
    sources: result.sources.map(({ source, status, runId }) => ({ source, status, runId })),
  });
}
