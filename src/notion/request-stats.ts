/** One HTTP request sent to Notion (each retry is its own record). */
export interface RequestRecord {
  /** Endpoint template, e.g. `POST /v1/data_sources/{id}/query`. */
  endpoint: string;
  method: string;
  /** HTTP status, or `timeout` / `network` when no response came back. */
  status: number | 'timeout' | 'network';
  /** Error code when the request failed (ours, e.g. `notion_rate_limited`). */
  errorCode?: string;
  /** 0 for the first try, 1 for the first retry, ... */
  attempt: number;
  startedAt: number;
  durationMs: number;
  /** Time this attempt waited for the pacer (tokens, in-flight bound, Retry-After pause). */
  pacingWaitMs: number;
  requestId?: string;
  /** For 429/529 answers: how long Notion asked us to wait. */
  retryAfterMs?: number;
  rateLimitReason?: string;
}

export interface EndpointStats {
  calls: number;
  /** Calls per HTTP status (or `timeout` / `network`). */
  byStatus: Record<string, number>;
  retries: number;
  rateLimited: number;
  durationMs: number;
  pacingWaitMs: number;
}

/** Sums over a set of requests: totals plus one entry per endpoint template. */
export interface RequestStats {
  calls: number;
  retries: number;
  rateLimited: number;
  failed: number;
  durationMs: number;
  pacingWaitMs: number;
  /** Time spent backing off between retries of transient failures. */
  retryDelayMs: number;
  byEndpoint: Record<string, EndpointStats>;
}

export interface RequestStatsCollector {
  record(entry: RequestRecord): void;
  addRetryDelay(ms: number): void;
  snapshot(): RequestStats;
  reset(): RequestStats;
}

export function emptyRequestStats(): RequestStats {
  return {
    calls: 0,
    retries: 0,
    rateLimited: 0,
    failed: 0,
    durationMs: 0,
    pacingWaitMs: 0,
    retryDelayMs: 0,
    byEndpoint: {},
  };
}

function cloneStats(stats: RequestStats): RequestStats {
  const byEndpoint: Record<string, EndpointStats> = {};
  for (const [key, value] of Object.entries(stats.byEndpoint)) {
    byEndpoint[key] = { ...value, byStatus: { ...value.byStatus } };
  }
  return { ...stats, byEndpoint };
}

/** Adds one request record to running sums (mutates `stats`). */
export function addRequestRecord(stats: RequestStats, entry: RequestRecord): void {
  const rateLimited = entry.status === 429 || entry.status === 529 ? 1 : 0;
  const failed = typeof entry.status !== 'number' || entry.status >= 400 ? 1 : 0;
  const retry = entry.attempt > 0 ? 1 : 0;
  stats.calls += 1;
  stats.retries += retry;
  stats.rateLimited += rateLimited;
  stats.failed += failed;
  stats.durationMs += entry.durationMs;
  stats.pacingWaitMs += entry.pacingWaitMs;
  const endpoint = stats.byEndpoint[entry.endpoint] ?? {
    calls: 0,
    byStatus: {},
    retries: 0,
    rateLimited: 0,
    durationMs: 0,
    pacingWaitMs: 0,
  };
  stats.byEndpoint[entry.endpoint] = endpoint;
  endpoint.calls += 1;
  endpoint.byStatus[String(entry.status)] = (endpoint.byStatus[String(entry.status)] ?? 0) + 1;
  endpoint.retries += retry;
  endpoint.rateLimited += rateLimited;
  endpoint.durationMs += entry.durationMs;
  endpoint.pacingWaitMs += entry.pacingWaitMs;
}

/** Running sums of request records, with snapshot and reset for per-run figures. */
export function createRequestStatsCollector(): RequestStatsCollector {
  let stats = emptyRequestStats();
  return {
    record: (entry) => addRequestRecord(stats, entry),
    addRetryDelay: (ms) => {
      stats.retryDelayMs += ms;
    },
    snapshot: () => cloneStats(stats),
    reset() {
      const previous = stats;
      stats = emptyRequestStats();
      return previous;
    },
  };
}
