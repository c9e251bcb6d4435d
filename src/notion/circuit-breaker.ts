import { NotionSyncError } from '../errors.ts';
import type { Clock } from '../shared/index.ts';

export interface CircuitBreakerOptions {
  /** Consecutive failures (5xx, timeouts, resets) that open the circuit. */
  failureThreshold: number;
  /** Time the circuit stays open before one trial request may pass (half-open). */
  cooldownMs: number;
  clock: Clock;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreaker {
  /** Throws `notion_unavailable` (carrying the last failure) while no request may pass. */
  check(): void;
  /** Like `check`, and when half-open claims the single trial request. */
  admit(): void;
  recordSuccess(): void;
  recordFailure(cause: Error): void;
  state(): CircuitState;
}

/**
 * Stops a run from hammering an unavailable Notion: after `failureThreshold` consecutive
 * failures every request fails fast; after `cooldownMs` one trial request goes out, and its
 * success closes the circuit again.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { clock, failureThreshold, cooldownMs } = options;
  let consecutiveFailures = 0;
  let openedAt: number | undefined;
  let trialInFlight = false;
  let lastCause: Error | undefined;

  const current = (): CircuitState => {
    if (openedAt === undefined) return 'closed';
    return clock.now() - openedAt >= cooldownMs ? 'half_open' : 'open';
  };

  const unavailable = () => {
    const retryInMs = openedAt === undefined ? 0 : Math.max(0, openedAt + cooldownMs - clock.now());
    const last = lastCause?.message ?? 'unknown failure';
    return new NotionSyncError(
      'notion_unavailable',
      `Notion is unavailable: ${consecutiveFailures} requests in a row failed (last: ${last}). ` +
        `notion-sync paused its requests; try again in ${Math.ceil(retryInMs / 1000)} s or later.`,
      {
        details: {
          circuit: 'open',
          consecutiveFailures,
          retryInMs,
          lastCode: lastCause instanceof NotionSyncError ? lastCause.code : undefined,
        },
        cause: lastCause,
      },
    );
  };

  return {
    check() {
      const state = current();
      if (state === 'closed' || (state === 'half_open' && !trialInFlight)) return;
      throw unavailable();
    },
    admit() {
      const state = current();
      if (state === 'closed') return;
      if (state === 'half_open' && !trialInFlight) {
        trialInFlight = true;
        return;
      }
      throw unavailable();
    },
    recordSuccess() {
      consecutiveFailures = 0;
      openedAt = undefined;
      trialInFlight = false;
    },
    recordFailure(cause) {
      consecutiveFailures += 1;
      lastCause = cause;
      if (trialInFlight || consecutiveFailures >= failureThreshold) openedAt = clock.now();
      trialInFlight = false;
    },
    state: current,
  };
}
