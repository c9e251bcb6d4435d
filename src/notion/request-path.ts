import { AsyncLocalStorage } from 'node:async_hooks';
import { NotionSyncError } from '../errors.ts';
import type { Clock, Logger } from '../shared/index.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { classifyNotionError, type NotionApiError, type RequestContext } from './notion-error.ts';
import type { Pacer } from './pacer.ts';
import { currentRequestPriority } from './request-priority.ts';
import {
  addRequestRecord,
  createRequestStatsCollector,
  emptyRequestStats,
  type RequestRecord,
  type RequestStats,
} from './request-stats.ts';

/** What the request path needs to know about an endpoint. */
export interface EndpointSpec {
  /** Template with ids replaced, e.g. `POST /v1/data_sources/{id}/query`. */
  endpoint: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** True when the request changes Notion: never repeated after an ambiguous failure. */
  write: boolean;
}

export interface RequestPathOptions {
  clock: Clock;
  logger: Logger;
  pacer: Pacer;
  breaker: CircuitBreaker;
  /** Retries of transient failures (5xx, timeouts, resets) of reads. */
  maxRetries: number;
  /** Retries after 429/529 (any method: a rate-limited request was not processed). */
  maxRateLimitRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

export type RequestListener = (record: RequestRecord) => void;

export interface RequestPath {
  /** Sends one logical request: pacing → send → classify → record → retry decision. */
  send<T>(spec: EndpointSpec, objectId: string | undefined, call: () => Promise<T>): Promise<T>;
  stats(): RequestStats;
  resetStats(): RequestStats;
  withRequestStats<T>(fn: () => Promise<T>): Promise<{ result: T; stats: RequestStats }>;
  onRequest(listener: RequestListener): () => void;
}

const DEFAULT_RETRY_AFTER_MS = 1000;

function requestIdOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'request_id' in value) {
    const id = (value as { request_id: unknown }).request_id;
    return typeof id === 'string' ? id : undefined;
  }
  return undefined;
}

function statusOf(error: NotionApiError): RequestRecord['status'] {
  if (error.status !== undefined) return error.status;
  return error.code === 'notion_timeout' ? 'timeout' : 'network';
}

/** The one path every Notion request of a connection takes (see `RequestPath.send`). */
export function createRequestPath(options: RequestPathOptions): RequestPath {
  const { clock, logger, pacer, breaker } = options;
  const totals = createRequestStatsCollector();
  const scopes = new AsyncLocalStorage<RequestStats[]>();
  const listeners = new Set<RequestListener>();

  const record = (entry: RequestRecord) => {
    totals.record(entry);
    for (const scope of scopes.getStore() ?? []) addRequestRecord(scope, entry);
    for (const listener of listeners) listener(entry);
    logger.debug(
      {
        endpoint: entry.endpoint,
        status: entry.status,
        attempt: entry.attempt,
        requestId: entry.requestId,
      },
      'notion request',
    );
  };

  const backoffMs = (retry: number) => {
    const ceiling = Math.min(options.retryMaxDelayMs, options.retryBaseDelayMs * 2 ** retry);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  };

  const waitBeforeRetry = async (ms: number) => {
    totals.addRetryDelay(ms);
    for (const scope of scopes.getStore() ?? []) scope.retryDelayMs += ms;
    await clock.sleep(ms);
  };

  /** One attempt: permit → send → record. Returns the result, or the classified failure. */
  async function attempt<T>(
    spec: EndpointSpec,
    context: RequestContext,
    attemptNumber: number,
    call: () => Promise<T>,
  ): Promise<{ ok: true; result: T } | { ok: false; error: NotionApiError }> {
    breaker.check();
    const permit = await pacer.acquire(currentRequestPriority());
    const startedAt = clock.now();
    const base = {
      endpoint: spec.endpoint,
      method: spec.method,
      attempt: attemptNumber,
      startedAt,
      pacingWaitMs: permit.waitedMs,
    };
    try {
      breaker.admit();
      const result = await call();
      breaker.recordSuccess();
      const requestId = requestIdOf(result);
      record({
        ...base,
        status: 200,
        durationMs: clock.now() - startedAt,
        ...(requestId ? { requestId } : {}),
      });
      return { ok: true, result };
    } catch (raw) {
      if (
        raw instanceof NotionSyncError &&
        raw.code === 'notion_unavailable' &&
        raw.details.circuit === 'open'
      )
        throw raw;
      const error = classifyNotionError(raw, context);
      record({
        ...base,
        status: statusOf(error),
        errorCode: error.code,
        durationMs: clock.now() - startedAt,
        ...(error.requestId ? { requestId: error.requestId } : {}),
        ...(error.rateLimitReason ? { rateLimitReason: error.rateLimitReason } : {}),
        ...(error.kind === 'rate_limited'
          ? { retryAfterMs: error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS }
          : {}),
      });
      return { ok: false, error };
    } finally {
      permit.release();
    }
  }

  function pauseForRateLimit(spec: EndpointSpec, error: NotionApiError) {
    const pauseMs = error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
    pacer.pause(pauseMs, error.rateLimitReason);
    logger.warn(
      {
        endpoint: spec.endpoint,
        retryAfterMs: pauseMs,
        rate_limit_reason: error.rateLimitReason ?? null,
      },
      'Notion rate limit: pausing all requests of this connection',
    );
  }

  async function send<T>(spec: EndpointSpec, objectId: string | undefined, call: () => Promise<T>) {
    const context: RequestContext = {
      endpoint: spec.endpoint,
      write: spec.write,
      ...(objectId ? { objectId } : {}),
    };
    let transientRetries = 0;
    let rateLimitRetries = 0;
    for (let n = 0; ; n++) {
      const outcome = await attempt(spec, context, n, call);
      if (outcome.ok) return outcome.result;
      const { error } = outcome;
      if (error.kind === 'rate_limited') {
        // Notion did not process the request: any method may be sent again after the pause.
        breaker.recordSuccess();
        pauseForRateLimit(spec, error);
        if (rateLimitRetries++ < options.maxRateLimitRetries) continue;
        throw error;
      }
      if (error.kind !== 'transient') {
        breaker.recordSuccess();
        throw error;
      }
      breaker.recordFailure(error);
      // A write that failed this way may have been applied: the caller decides (ambiguous).
      if (spec.write || transientRetries >= options.maxRetries) throw error;
      await waitBeforeRetry(backoffMs(transientRetries++));
    }
  }

  return {
    send,
    stats: () => totals.snapshot(),
    resetStats: () => totals.reset(),
    async withRequestStats(fn) {
      const scope = emptyRequestStats();
      const result = await scopes.run([...(scopes.getStore() ?? []), scope], fn);
      return { result, stats: scope };
    },
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
