import type {
  BlockObjectResponse,
  CommentObjectResponse,
  DataSourceObjectResponse,
  PageObjectResponse,
  PropertyItemObjectResponse,
  UserObjectResponse,
} from '@notionhq/client';
import { Client, LogLevel } from '@notionhq/client';
import { NotionSyncError } from '../errors.ts';
import { type Clock, type Logger, silentLogger, systemClock } from '../shared/index.ts';
import { type CircuitState, createCircuitBreaker } from './circuit-breaker.ts';
import {
  type AllRowsOptions,
  type AllRowsPage,
  type DataSourceQueryOptions,
  iterateAllDataSourceRowPages,
  iterateAllDataSourceRows,
  iterateDataSourceQueryPages,
  iterateDataSourceRows,
} from './data-source-rows.ts';
import { type FileDownload, openFileDownload } from './file-download.ts';
import {
  iterateComments,
  iterateSearch,
  iterateUsers,
  type SearchOptions,
} from './list-iterators.ts';
import { type EditPageMarkdownResult, editPageMarkdown } from './markdown-edits.ts';
import { createNotionApi, type NotionApi } from './notion-api.ts';
import { createPacer, type Pacer, type PacerState } from './pacer.ts';
import {
  type BlockNode,
  type BlockTreeOptions,
  collectBlockTree,
  getPageMarkdown,
  iterateBlockChildren,
  type PageMarkdownOptions,
  type PageMarkdownResult,
  type ReplaceMarkdownOptions,
  replacePageMarkdown,
} from './page-content.ts';
import type { ListPage } from './pagination.ts';
import {
  type CompletedPage,
  type CompletePageOptions,
  collectPropertyItems,
  completePageProperties,
  iteratePropertyItems,
  type PropertyItems,
} from './property-completion.ts';
import { createRequestPath, type RequestListener } from './request-path.ts';
import type { RequestStats } from './request-stats.ts';
import { authenticatingFetch, type TokenSource } from './token-source.ts';

type SdkFetch = NonNullable<ConstructorParameters<typeof Client>[0]>['fetch'];

export interface PacingOptions {
  /** Average requests per second (default 3, Notion's documented budget). */
  requestsPerSecond?: number;
  /** Requests that may leave back to back (default 5). */
  burst?: number;
  /** Requests in flight at once (default 3). */
  maxInFlight?: number;
}

export interface CircuitBreakerSettings {
  /** Consecutive failures (5xx, timeouts, resets) that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before a trial request (default 30,000 ms). */
  cooldownMs?: number;
}

export interface NotionClientOptions {
  /** Integration token or OAuth access token; sent as a bearer token, never logged. */
  token?: string;
  /** Instead of `token`: a token that can change (an OAuth installation refreshed on a 401). */
  tokenSource?: TokenSource;
  /** Default https://api.notion.com; point at the emulator to work offline. */
  baseUrl?: string;
  /** Notion-Version header (default `2026-03-11`). */
  notionVersion?: string;
  /** fetch implementation (the emulator's in-process fetch, for instance). */
  fetch?: SdkFetch;
  pacing?: PacingOptions;
  /**
   * A budget kept elsewhere (the store's shared buckets, for instance) instead of this client's
   * own token bucket; `pacing` is then ignored.
   */
  pacer?: Pacer;
  /** Per-request timeout (default 60,000 ms). */
  timeoutMs?: number;
  /** Retries of transient failures (5xx, timeouts, resets) of reads; writes never repeat (default 4). */
  maxRetries?: number;
  /** Retries after 429/529 answers (default 10). */
  maxRateLimitRetries?: number;
  /** First back-off delay between transient retries, doubled each time (default 1,000 ms). */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  circuitBreaker?: CircuitBreakerSettings;
  clock?: Clock;
  logger?: Logger;
}

/** One Notion connection: typed endpoints, iterators, content and codec helpers, and stats. */
export interface NotionClient extends NotionApi {
  readonly baseUrl: string;
  readonly notionVersion: string;
  iterateDataSourceQueryPages(
    dataSourceId: string,
    options?: DataSourceQueryOptions,
  ): AsyncGenerator<ListPage<PageObjectResponse>>;
  iterateDataSourceRows(
    dataSourceId: string,
    options?: DataSourceQueryOptions,
  ): AsyncGenerator<PageObjectResponse>;
  iterateAllDataSourceRowPages(
    dataSourceId: string,
    options?: AllRowsOptions,
  ): AsyncGenerator<AllRowsPage>;
  iterateAllDataSourceRows(
    dataSourceId: string,
    options?: AllRowsOptions,
  ): AsyncGenerator<PageObjectResponse>;
  iterateBlockChildren(blockId: string): AsyncGenerator<BlockObjectResponse>;
  collectBlockTree(blockId: string, options?: BlockTreeOptions): Promise<BlockNode[]>;
  iterateSearch(
    options?: SearchOptions,
  ): AsyncGenerator<PageObjectResponse | DataSourceObjectResponse>;
  iterateUsers(): AsyncGenerator<UserObjectResponse>;
  iterateComments(blockId: string): AsyncGenerator<CommentObjectResponse>;
  iteratePropertyItems(
    pageId: string,
    propertyId: string,
  ): AsyncGenerator<PropertyItemObjectResponse>;
  collectPropertyItems(pageId: string, propertyId: string): Promise<PropertyItems>;
  completePageProperties(
    page: PageObjectResponse,
    options?: CompletePageOptions,
  ): Promise<CompletedPage>;
  getPageMarkdown(pageId: string, options?: PageMarkdownOptions): Promise<PageMarkdownResult>;
  /** Targeted edits from `current` to `target` (markdown-edits.ts); never `replace_content`. */
  editPageMarkdown(
    pageId: string,
    current: string,
    target: string,
  ): Promise<EditPageMarkdownResult>;
  replacePageMarkdown(
    pageId: string,
    markdown: string,
    options?: ReplaceMarkdownOptions,
  ): Promise<{ markdown: string; truncated: boolean }>;
  /**
   * Opens a file URL a page refers to, through this connection's fetch but outside its request
   * path (a download is no API call: no pacing, not counted). Errors: `file_expired`,
   * `file_gone`, `file_download_failed`.
   */
  openFile(url: string): Promise<FileDownload>;
  /** Sums of every request since creation (or the last `resetStats`). */
  stats(): RequestStats;
  /** Returns the sums so far and starts new ones. */
  resetStats(): RequestStats;
  /** Runs `fn` and returns the sums of exactly the requests made inside it (async context). */
  withRequestStats<T>(fn: () => Promise<T>): Promise<{ result: T; stats: RequestStats }>;
  /** Calls `listener` for every request record (metrics); returns an unsubscribe function. */
  onRequest(listener: RequestListener): () => void;
  circuitState(): CircuitState;
  pacingState(): PacerState;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result <= 0) {
    throw new NotionSyncError(
      'config_invalid',
      `${name} must be a positive number, got ${String(value)}.`,
      {
        details: { option: name },
      },
    );
  }
  return result;
}

function sdkLogger(logger: Logger) {
  return (level: LogLevel, message: string, extra: Record<string, unknown>) => {
    const { body: _body, ...rest } = extra;
    if (level === LogLevel.ERROR) logger.error(rest, `notion sdk: ${message}`);
    else logger.trace(rest, `notion sdk: ${message}`);
  };
}

/**
 * Creates the connection every Notion request of the engine goes through: one SDK client (its
 * own retries off), one token bucket, one circuit breaker, one set of request stats.
 * Throws `config_invalid` for an empty token or non-positive limits.
 */
export function createNotionClient(options: NotionClientOptions): NotionClient {
  const { tokenSource } = options;
  if (!tokenSource && (typeof options.token !== 'string' || options.token.trim() === '')) {
    throw new NotionSyncError(
      'config_invalid',
      'NOTION_TOKEN is empty: set it to your integration token (Notion → Settings → Connections → Develop or manage integrations).',
    );
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const baseUrl = (options.baseUrl ?? 'https://api.notion.com').replace(/\/+$/, '');
  const notionVersion = options.notionVersion ?? '2026-03-11';
  const timeoutMs = positive('timeoutMs', options.timeoutMs, 60_000);
  const sdkFetch: SdkFetch | undefined = tokenSource
    ? (authenticatingFetch(tokenSource, (options.fetch ?? fetch) as typeof fetch) as SdkFetch)
    : options.fetch;
  const sdk = new Client({
    // With a token source the fetch sets the header; the SDK only needs to know there is one.
    auth: tokenSource ? 'token-source' : (options.token as string),
    baseUrl,
    notionVersion,
    timeoutMs,
    retry: false,
    logLevel: LogLevel.DEBUG,
    logger: sdkLogger(logger),
    ...(sdkFetch ? { fetch: sdkFetch } : {}),
  });
  const pacer =
    options.pacer ??
    createPacer({
      requestsPerSecond: positive('pacing.requestsPerSecond', options.pacing?.requestsPerSecond, 3),
      burst: positive('pacing.burst', options.pacing?.burst, 5),
      maxInFlight: positive('pacing.maxInFlight', options.pacing?.maxInFlight, 3),
      clock,
    });
  const breaker = createCircuitBreaker({
    failureThreshold: positive(
      'circuitBreaker.failureThreshold',
      options.circuitBreaker?.failureThreshold,
      5,
    ),
    cooldownMs: positive('circuitBreaker.cooldownMs', options.circuitBreaker?.cooldownMs, 30_000),
    clock,
  });
  const path = createRequestPath({
    clock,
    logger,
    pacer,
    breaker,
    maxRetries: options.maxRetries ?? 4,
    maxRateLimitRetries: options.maxRateLimitRetries ?? 10,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 1000,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000,
  });
  const api = createNotionApi(sdk, path);
  return {
    ...api,
    baseUrl,
    notionVersion,
    iterateDataSourceQueryPages: (id, o) => iterateDataSourceQueryPages(api, id, o),
    iterateDataSourceRows: (id, o) => iterateDataSourceRows(api, id, o),
    iterateAllDataSourceRowPages: (id, o) => iterateAllDataSourceRowPages(api, id, o),
    iterateAllDataSourceRows: (id, o) => iterateAllDataSourceRows(api, id, o),
    iterateBlockChildren: (id) => iterateBlockChildren(api, id),
    collectBlockTree: (id, o) => collectBlockTree(api, id, o),
    iterateSearch: (o) => iterateSearch(api, o),
    iterateUsers: () => iterateUsers(api),
    iterateComments: (id) => iterateComments(api, id),
    iteratePropertyItems: (pageId, propertyId) => iteratePropertyItems(api, pageId, propertyId),
    collectPropertyItems: (pageId, propertyId) => collectPropertyItems(api, pageId, propertyId),
    completePageProperties: (page, o) => completePageProperties(api, page, o),
    getPageMarkdown: (id, o) => getPageMarkdown(api, id, o),
    editPageMarkdown: (id, current, target) => editPageMarkdown(api, id, current, target),
    replacePageMarkdown: (id, markdown, o) => replacePageMarkdown(api, id, markdown, o),
    openFile: (url) =>
      openFileDownload((options.fetch as typeof fetch | undefined) ?? globalThis.fetch, url, {
        timeoutMs: Math.max(timeoutMs, 300_000),
      }),
    stats: path.stats,
    resetStats: path.resetStats,
    withRequestStats: path.withRequestStats,
    onRequest: path.onRequest,
    circuitState: breaker.state,
    pacingState: pacer.state,
  };
}
