export interface RateLimitOptions {
  /** Average requests per second per integration (Notion documents 3). */
  requestsPerSecond: number;
  /** Requests an idle integration may send at once. */
  burst: number;
  /** Optional budget shared by every integration of the workspace. */
  workspaceRequestsPerSecond?: number;
}

export type RateLimitDecision =
  | { ok: true }
  | {
      ok: false;
      retryAfterSeconds: number;
      reason: 'integration_rate_limit' | 'workspace_rate_limit';
    };

export interface RateLimiter {
  take(integrationId: string): RateLimitDecision;
  reset(): void;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Token buckets on an injected clock: one per integration and, when configured, one for the
 * workspace. A refused request consumes nothing; `retryAfterSeconds` is the whole number of
 * seconds until a token is available again.
 */
export function createRateLimiter(options: RateLimitOptions, now: () => number): RateLimiter {
  if (!(options.requestsPerSecond > 0) || !(options.burst >= 1)) {
    throw new Error('rate limit: requestsPerSecond must be > 0 and burst ≥ 1');
  }
  const buckets = new Map<string, Bucket>();
  const refill = (key: string, rate: number, capacity: number): Bucket => {
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: capacity, updatedMs: t };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((t - bucket.updatedMs) / 1000) * rate);
    bucket.updatedMs = t;
    buckets.set(key, bucket);
    return bucket;
  };
  const wait = (bucket: Bucket, rate: number) => Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
  return {
    take(integrationId) {
      const own = refill(`i:${integrationId}`, options.requestsPerSecond, options.burst);
      const wsRate = options.workspaceRequestsPerSecond;
      const shared = wsRate
        ? refill('workspace', wsRate, Math.max(options.burst, wsRate))
        : undefined;
      if (own.tokens < 1)
        return {
          ok: false,
          retryAfterSeconds: wait(own, options.requestsPerSecond),
          reason: 'integration_rate_limit',
        };
      if (shared && wsRate && shared.tokens < 1)
        return {
          ok: false,
          retryAfterSeconds: wait(shared, wsRate),
          reason: 'workspace_rate_limit',
        };
      own.tokens -= 1;
      if (shared) shared.tokens -= 1;
      return { ok: true };
    },
    reset: () => buckets.clear(),
  };
}
