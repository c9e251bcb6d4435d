// `notion-sync worker` as a service: one engine over the Notion connections, a pg-boss job worker
// taking jobs from the PostgreSQL queue, and a small HTTP listener of its own with /healthz,
// /readyz and /metrics. stop(): stop taking jobs, abort the running ones (each stops at a batch
// boundary with its checkpoint and is handed on to another worker), close the listener.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Gauge } from 'prom-client';
import type { Config } from '../../config/index.ts';
import type { NotionClient } from '../../notion/index.ts';
import { createJobWorker, type JobQueue, type JobWorker } from '../../runner/distributed/index.ts';
import { type Clock, type Logger, silentLogger, systemClock } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import type { Engine } from '../../sync/index.ts';
import { createHealthRoutes } from '../health.ts';
import type { ServerMetrics } from '../metrics.ts';
import { createServiceEngine, type EngineTuning } from '../service-engine.ts';

export interface WorkerServiceOptions {
  config: Config;
  store: Store;
  notion: NotionClient;
  queue: JobQueue;
  logger?: Logger;
  clock?: Clock;
  engine?: EngineTuning;
}

export interface WorkerService {
  readonly app: Hono;
  readonly engine: Engine;
  readonly worker: JobWorker;
  readonly metrics: ServerMetrics;
  /** Listens on `worker.host:worker.port` and starts taking jobs. */
  run(): Promise<{ url: string; port: number }>;
  /** Graceful shutdown, bounded by `server.shutdownTimeoutMs`. */
  stop(): Promise<{ abandonedJobs: number }>;
}

function workerApp(store: Store, metrics: ServerMetrics, worker: JobWorker): Hono {
  const app = new Hono();
  app.route('/', createHealthRoutes(store));
  app.get('/jobs', (c) => c.json({ running: worker.running() }));
  app.get('/metrics', async (c) => {
    const registry = metrics.registry;
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });
  return app;
}

export function createWorkerService(options: WorkerServiceOptions): WorkerService {
  const { config, store, notion, queue } = options;
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  // With the OAuth client of `oauth.*`: an installation's expired token is refreshed here too.
  const { engine, metrics } = createServiceEngine({
    config,
    store,
    notion,
    clock,
    logger,
    ...(options.engine ? { engine: options.engine } : {}),
  });
  const worker = createJobWorker({
    queue,
    engine,
    concurrency: config.worker.concurrency,
    interactiveConcurrency: config.worker.interactiveConcurrency,
    logger,
  });
  worker.onJobDone((outcome, ms) => metrics.observeJob(outcome, ms));
  new Gauge({
    name: 'notion_sync_worker_running_jobs',
    help: 'Jobs this worker process runs now',
    registers: [metrics.registry],
    collect() {
      this.set(worker.running().length);
    },
  });
  new Gauge({
    name: 'notion_sync_worker_concurrency',
    help: 'Jobs this worker process may run at once (worker.concurrency)',
    registers: [metrics.registry],
  }).set(config.worker.concurrency);
  const app = workerApp(store, metrics, worker);
  let server: ReturnType<typeof serve> | null = null;

  function listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      server = serve(
        { fetch: app.fetch, port: config.worker.port, hostname: config.worker.host },
        (info: AddressInfo) => resolve(info.port),
      );
      server.once('error', reject);
    });
  }

  return {
    app,
    engine,
    worker,
    metrics,
    async run() {
      const port = await listen();
      await worker.start();
      const host = config.worker.host.includes(':')
        ? `[${config.worker.host}]`
        : config.worker.host;
      const url = `http://${host}:${port}`;
      logger.info(
        { url, concurrency: config.worker.concurrency, queueSchema: queue.schema },
        'worker taking jobs',
      );
      return { url, port };
    },
    async stop() {
      const { abandoned } = await worker.stop(config.server.shutdownTimeoutMs);
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      });
      logger.info({ abandonedJobs: abandoned }, 'worker stopped');
      return { abandonedJobs: abandoned };
    },
  };
}
