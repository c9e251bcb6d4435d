// `notion-sync serve` as a service with run()/stop(), usable from the library: one engine over
// one Notion connection (one pacing budget shared by scheduled runs, webhook refreshes and API
// triggers), the local runner, the scheduler, the webhook processor and the Hono app. With a
// job queue (`runner: distributed`) jobs are queued for workers instead, and the scheduler plans
// only while this instance is the elected leader.
// stop(): stop accepting connections, stop planning, abort running jobs (they stop at a batch
// boundary and keep their checkpoint), and wait at most `server.shutdownTimeoutMs` for them.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Config } from '../config/index.ts';
import { NotionSyncError } from '../errors.ts';
import { createMcpHttpHandler, createMcpServer, createRunnerRunJob } from '../mcp/index.ts';
import type { NotionClient, NotionOAuth } from '../notion/index.ts';
import {
  createDistributedRunner,
  createLeaderScheduler,
  createLeadership,
  type JobQueue,
  lastQueuedScheduleMs,
} from '../runner/distributed/index.ts';
import {
  createLocalRunner,
  createScheduler,
  type Job,
  type JobContext,
  type JobOutcome,
  type Runner,
  type Scheduler,
} from '../runner/index.ts';
import { type Clock, type Logger, silentLogger, systemClock } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { type Engine, importedSources } from '../sync/index.ts';
import { isLoopbackHost } from './api/auth.ts';
import { createServerApp } from './app.ts';
import { createConsoleApp } from './console/console-app.ts';
import { createImportJobs } from './console/import-jobs.ts';
import { createSessions } from './console/sessions.ts';
import type { ServerMetrics } from './metrics.ts';
import { createOAuthRoutes, importStepUrl } from './oauth/oauth-routes.ts';
import { createOAuthStates } from './oauth/oauth-states.ts';
import { createServiceEngine, type EngineTuning } from './service-engine.ts';
import { DEFAULT_CONNECTION, webhookConnectionsOf, webhookUrlsOf } from './webhooks/connections.ts';
import { createWebhookProcessor, type WebhookProcessor } from './webhooks/processor.ts';

export interface ServeOptions {
  config: Config;
  store: Store;
  notion: NotionClient;
  logger?: Logger;
  clock?: Clock;
  /** Engine tuning (tests shorten heartbeats and overlaps). */
  engine?: EngineTuning;
  /** Source of schedule jitter in [0, 1). */
  random?: () => number;
  /** The OAuth client of the connect flow (default: from `oauth.*`; null turns the flow off). */
  oauth?: NotionOAuth | null;
  /** Replaces how a job is executed (tests make runs take time on the injected clock). */
  execute?: (engine: Engine, job: Job, context: JobContext) => Promise<JobOutcome>;
  /**
   * With `runner: distributed`: the PostgreSQL job queue jobs are sent to (workers run them);
   * schedules fire only in the instance elected leader.
   */
  queue?: JobQueue;
}

export interface ServeService {
  readonly app: Hono;
  readonly engine: Engine;
  readonly runner: Runner;
  readonly scheduler: Scheduler;
  readonly processor: WebhookProcessor;
  readonly metrics: ServerMetrics;
  /** Listens on `server.host:server.port`, starts the scheduler and the webhook processor. */
  run(): Promise<{ url: string; port: number }>;
  /** Graceful shutdown, bounded by `server.shutdownTimeoutMs`. */
  stop(): Promise<{ abandonedJobs: number }>;
}

/** `api_token_required` when the API would be reachable beyond loopback without a token. */
export function assertSafeExposure(config: Pick<Config, 'server'>): void {
  if (config.server.apiToken || isLoopbackHost(config.server.host)) return;
  throw new NotionSyncError(
    'api_token_required',
    `Refusing to serve on ${config.server.host} without an API token: set NOTION_SYNC_API_TOKEN (a long random string) or listen on 127.0.0.1.`,
    { details: { host: config.server.host } },
  );
}

export function createServeService(options: ServeOptions): ServeService {
  const { config, store, notion } = options;
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const { engine, metrics, oauth } = createServiceEngine({
    config,
    store,
    notion,
    clock,
    logger,
    ...(options.oauth !== undefined ? { oauth: options.oauth } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
  });
  const { queue } = options;
  const runner = queue
    ? createDistributedRunner({ queue, store, logger })
    : createLocalRunner({
        engine,
        clock,
        logger,
        ...(options.execute ? { execute: options.execute } : {}),
      });
  runner.onJobDone((outcome, ms) => metrics.observeJob(outcome, ms));
  const newScheduler = () =>
    createScheduler({
      sources: config.sources,
      defaults: config,
      runner,
      store,
      clock,
      logger,
      ...(options.random ? { random: options.random } : {}),
      ...(config.janitor?.schedule ? { janitorSchedule: config.janitor.schedule } : {}),
      ...(queue ? { lastQueuedMs: (lane: string) => lastQueuedScheduleMs(queue, lane) } : {}),
      // Imported sources of working installations run on the default schedule from their import on.
      discover: () => importedSources(store, config.sources, { activeOnly: true }),
    });
  const scheduler = queue
    ? createLeaderScheduler(
        createLeadership({ url: queue.url, key: `scheduler:${queue.schema}`, clock, logger }),
        newScheduler,
      )
    : newScheduler();
  // Read per processing batch: an installation made a moment ago receives its events.
  const processor = createWebhookProcessor({
    store,
    runner,
    metrics,
    logger,
    clock,
    connections: async () =>
      webhookConnectionsOf(await engine.connections.list(), config.sources, oauth !== null),
  });
  const urls = webhookUrlsOf(config.connections, oauth !== null);
  const keyFor = async (connection: string) =>
    connection === DEFAULT_CONNECTION && config.webhooks?.verificationToken
      ? config.webhooks?.verificationToken
      : store.webhookTokens.readAccepted(connection);
  const secureCookies = (config.oauth?.redirectUri ?? '').startsWith('https:');
  const sessions = createSessions(clock, secureCookies);
  const consoleOptions = {
    engine,
    runner,
    scheduler,
    lastWebhookAt: () => store.webhookEvents.lastReceived(),
    sessions,
    jobs: createImportJobs(engine),
    apiToken: config.server.apiToken,
    logger,
  };
  const app = createServerApp({
    engine,
    store,
    runner,
    scheduler,
    config,
    metrics,
    logger,
    connections: () => urls,
    keyFor,
    apiToken: config.server.apiToken,
    maxBodyBytes: config.server.maxBodyBytes,
    onWebhookAccepted: () => processor.kick(),
    oauthRoutes: createOAuthRoutes({
      engine,
      oauth,
      states: createOAuthStates(clock),
      canStoreTokens: store.connections.canStoreTokens,
      secureCookies,
      landing: (c, connection) => {
        // An operator who connects keeps their session; an app user gets one for this connection.
        if (sessions.of(c)?.role !== 'operator')
          sessions.start(c, {
            role: 'user',
            connection: connection.name,
            appUser: connection.appUser,
          });
        return c.redirect(importStepUrl(connection.name), 302);
      },
      logger,
    }),
    consoleApp: createConsoleApp(consoleOptions),
    isEndUser: (c) => sessions.of(c)?.role === 'user',
    mcp: createMcpHttpHandler(() =>
      createMcpServer({
        engine,
        store,
        sources: config.sources,
        runJob: createRunnerRunJob(runner, () => config.sources),
        nextScheduledRun: (source) =>
          scheduler.list().find((s) => s.source === source)?.nextRunAt ?? null,
        clock,
        logger,
      }),
    ),
  });
  let server: ReturnType<typeof serve> | null = null;

  function listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      server = serve(
        { fetch: app.fetch, port: config.server.port, hostname: config.server.host },
        (info: AddressInfo) => resolve(info.port),
      );
      server.once('error', reject);
    });
  }

  let unsubscribeImports = () => {};
  return {
    app,
    engine,
    runner,
    scheduler,
    processor,
    metrics,
    async run() {
      assertSafeExposure(config);
      const port = await listen();
      await scheduler.start();
      // A source imported just now is scheduled at once, not at the next rediscovery.
      unsubscribeImports = engine.onImportFinished(() => void scheduler.refresh());
      processor.start();
      const host = config.server.host.includes(':')
        ? `[${config.server.host}]`
        : config.server.host;
      const url = `http://${host}:${port}`;
      logger.info(
        { url, webhookUrl: `${url}/webhooks/notion`, api: `${url}/api/v1` },
        'serve listening',
      );
      return { url, port };
    },
    async stop() {
      const closed = new Promise<void>((resolve) =>
        server ? server.close(() => resolve()) : resolve(),
      );
      if (server && 'closeIdleConnections' in server) server.closeIdleConnections();
      unsubscribeImports();
      await scheduler.stop();
      const timeoutMs = config.server.shutdownTimeoutMs;
      const { abandoned } = await runner.stop(timeoutMs);
      await Promise.race([processor.stop(), new Promise((r) => setTimeout(r, 50).unref())]);
      if (server && 'closeAllConnections' in server) server.closeAllConnections();
      await closed;
      logger.info({ abandonedJobs: abandoned }, 'serve stopped');
      return { abandonedJobs: abandoned };
    },
  };
}
