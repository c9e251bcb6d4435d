import type { Clock } from '../shared/index.ts';

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

export interface Pacer {
  acquire(): Promise<PacerPermit>;
  /** Stops every caller for `ms` from now (the bucket restarts empty afterwards). */
  pause(ms: number): void;
  state(): PacerState;
}

interface Waiter {
  enqueuedAt: number;
  resolve: (permit: PacerPermit) => void;
}

/**
 * One token bucket per connection, shared by all its callers: FIFO order, at most `burst`
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
  const queue: Waiter[] = [];

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
      while (queue.length > 0 && inFlight < maxInFlight) {
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
        const waiter = queue.shift();
        if (waiter) grant(waiter, now);
      }
    } finally {
      pumping = false;
    }
  };

  return {
    acquire() {
      return new Promise<PacerPermit>((resolve) => {
        queue.push({ enqueuedAt: clock.now(), resolve });
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
      return { tokens, inFlight, queued: queue.length, pausedUntil };
    },
  };
}
