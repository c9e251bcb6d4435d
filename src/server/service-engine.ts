// The engine of a long-running process — `serve` and `notion-sync worker` — built one way: the
// config's janitor settings and OAuth client (so an installation's token is refreshed wherever
// its jobs run), the caller's engine tuning, and metrics that watch the default client.
import type { Config } from '../config/index.ts';
import { type NotionClient, type NotionOAuth, notionOAuthFromConfig } from '../notion/index.ts';
import type { Clock, Logger } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { createEngine, type Engine, type EngineOptions } from '../sync/index.ts';
import { createServerMetrics, type ServerMetrics } from './metrics.ts';

export type EngineTuning = Partial<
  Omit<EngineOptions, 'config' | 'store' | 'notion' | 'clock' | 'logger'>
>;

export interface ServiceEngineOptions {
  config: Config;
  store: Store;
  notion: NotionClient;
  clock: Clock;
  logger: Logger;
  /** The OAuth client (default: from `oauth.*`; null: none). */
  oauth?: NotionOAuth | null;
  engine?: EngineTuning;
}

export function createServiceEngine(options: ServiceEngineOptions): {
  engine: Engine;
  metrics: ServerMetrics;
  oauth: NotionOAuth | null;
} {
  const { config, store, notion } = options;
  const oauth = options.oauth !== undefined ? options.oauth : notionOAuthFromConfig(config);
  const engine = createEngine({
    oauth,
    janitor: config.janitor,
    ...options.engine,
    config,
    store,
    notion,
    clock: options.clock,
    logger: options.logger,
  });
  const metrics = createServerMetrics(store);
  metrics.watch(notion);
  return { engine, metrics, oauth };
}
