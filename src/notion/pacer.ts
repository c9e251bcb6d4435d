import type { Clock } from '../shared/index.ts';
import type { RequestPriority } from './request-priority.ts';

export interface PacerOptions {
  /** Average requests per second the bucket refills at. */
  requestsPerSecond: number;
  /** Tokens the bucket holds when full: requests that may leave back to back. */
  burst: number;
  /** Requests allowed to be in flight at once. */
  maxInFlight: number;
  clock: Clock;
}

/** Permission to send one request; call `release` when its response (or failure) arrives. */
export interface PacerPermit {
  /** Time spent queued before the permit was granted, in milliseconds (on the pacer's clock). */
  waitedMs: number;
  release(): void;
}

export interface PacerState {
  tokens: number;
  inFlight: number;
  queued: number;
  /** Epoch ms until which nothing is sent (a 429/529's Retry-After); 0 when not paused. */
  pausedUntil: number;
}

/**
 * What the request path asks before each request: a permit in a lane, and a pause when Notion
 * answers 429/529. `createPacer` keeps the budget in this process; a shared implementation keeps
 * it in the store for every process of a connection and workspace (sync/connections/).
 */
export interface Pacer {
  /** Waits for a permit; interactive callers are served before bulk ones (default bulk). */
  acquire(priority?: RequestPriority): Promise<PacerPermit>;
  /**
   * Stops every caller for `ms` from now (the bucket restarts empty afterwards). `reason` is the
   * 429's `rate_limit_reason` (`integration_rate_limit`, `workspace_rate_limit`, …), when given.
   */
  pause(ms: number, reason?: string): void;
  state(): PacerState;
}

interface Waiter {
  enqueuedAt: number;
  resolve: (permit: PacerPermit) => void;
}

/**
 * One token bucket per connection, shared by all its callers: FIFO order within a lane, every
 * interactive caller before any bulk one, at most `burst`
 * requests back to back, `requestsPerSecond` on average, at most `maxInFlight` outstanding, and a
 * whole-bucket pause when Notion says so. Time comes from the injected clock only.
 */
export function createPacer(options: PacerOptions): Pacer {
  const { clock, requestsPerSecond, burst, maxInFlight } = options;
  if (!(requestsPerSecond > 0) || !(burst >= 1) || !(maxInFlight >= 1)) {
    throw new RangeError('pacing needs requestsPerSecond > 0, burst >= 1 and maxInFlight >= 1');
  }
  let tokens = burst;
  let lastRefill = clock.now();
  let pausedUntil = 0;
  let inFlight = 0;
  let pumping = false;
  const lanes: Record<RequestPriority, Waiter[]> = { interactive: [], bulk: [] };
  const queued = () => lanes.interactive.length + lanes.bulk.length;

  const refill = (now: number) => {
    const from = Math.max(lastRefill, pausedUntil);
    if (now > from) tokens = Math.min(burst, tokens + ((now - from) * requestsPerSecond) / 1000);
    lastRefill = Math.max(lastRefill, now);
  };

  const grant = (waiter: Waiter, now: number) => {
    tokens -= 1;
    inFlight += 1;
    let released = false;
    waiter.resolve({
      waitedMs: now - waiter.enqueuedAt,
      release: () => {
        if (released) return;
        released = true;
        inFlight -= 1;
        void pump();
      },
    });
  };

  // The single loop that hands out permits; concurrent callers only enqueue.
  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      while (queued() > 0 && inFlight < maxInFlight) {
        const now = clock.now();
        if (now < pausedUntil) {
          await clock.sleep(pausedUntil - now);
          continue;
        }
        refill(now);
        if (tokens < 1) {
          await clock.sleep(Math.max(1, Math.ceil(((1 - tokens) * 1000) / requestsPerSecond)));
          continue;
        }
        const waiter = lanes.interactive.shift() ?? lanes.bulk.shift();
        if (waiter) grant(waiter, now);
      }
    } finally {
      pumping = false;
    }
  };

  return {
    acquire(priority = 'bulk') {
      return new Promise<PacerPermit>((resolve) => {
        lanes[priority].push({ enqueuedAt: clock.now(), resolve });
        void pump();
      });
    },
    pause(ms) {
      const now = clock.now();
      refill(now);
      const until = now + Math.max(0, ms);
      if (until > pausedUntil) pausedUntil = until;
      tokens = 0;
      lastRefill = pausedUntil;
    },
    state() {
      return { tokens, inFlight, queued: queued(), pausedUntil };
    },
  };
}
