// The Hono app of `serve`: webhooks, the REST API, metrics and health, behind one onError.
// Building it starts nothing (no socket, no timers), so tests call `app.request()` in-process.
import { type Context, Hono } from 'hono';
import { NotionSyncError } from '../errors.ts';
import type { McpHttpHandler } from '../mcp/index.ts';
import type { Logger } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { requireBearer } from './api/auth.ts';
import { type ApiOptions, createApiRoutes } from './api/routes.ts';
import type { ConsoleEnv } from './console/console-env.ts';
import { createErrorHandler } from './errors.ts';
import { createHealthRoutes } from './health.ts';
import type { ServerMetrics } from './metrics.ts';
import type { WebhookConnection } from './webhooks/connections.ts';
import { createWebhookReceiver } from './webhooks/receiver.ts';

export interface ServerAppOptions extends ApiOptions {
  store: Store;
  metrics: ServerMetrics;
  logger: Logger;
  /** The webhook URLs answered (no I/O: every request, forged ones too, resolves one). */
  connections: () => readonly WebhookConnection[];
  keyFor: (connection: string) => Promise<string | null>;
  maxBodyBytes: number;
  onWebhookAccepted?: () => void;
  /** `/oauth/notion/*` (the connect flow), when `serve` offers it. */
  oauthRoutes?: Hono;
  /** The console at `/` (mounted after every other route). */
  consoleApp?: Hono<ConsoleEnv>;
  /** Whether a request comes from an app end user's console session (403 on the API). */
  isEndUser?: (c: Context) => boolean;
  /** The MCP server over Streamable HTTP, mounted at /mcp behind the API token. */
  mcp?: McpHttpHandler;
}

export function createServerApp(options: ServerAppOptions): Hono {
  const app = new Hono();
  app.onError(createErrorHandler(options.logger));
  app.notFound((c) => {
    throw new NotionSyncError(
      'route_not_found',
      `No route ${c.req.method} ${c.req.path}; see /api/v1/openapi.json.`,
    );
  });
  app.route('/', createHealthRoutes(options.store));
  app.get('/metrics', async (c) => {
    const registry = options.metrics.registry;
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });
  app.route(
    '/webhooks/notion',
    createWebhookReceiver({
      store: options.store,
      metrics: options.metrics,
      logger: options.logger,
      connections: options.connections,
      keyFor: options.keyFor,
      maxBodyBytes: options.maxBodyBytes,
      ...(options.onWebhookAccepted ? { onAccepted: options.onWebhookAccepted } : {}),
    }),
  );
  const { isEndUser } = options;
  if (isEndUser) {
    app.use('/api/v1/*', async (c, next) => {
      if (isEndUser(c)) {
        throw new NotionSyncError(
          'console_forbidden',
          'The API is for operators: an app user session cannot call it.',
        );
      }
      await next();
    });
  }
  app.route('/api/v1', createApiRoutes(options));
  const mcp = options.mcp;
  if (mcp) app.all('/mcp', requireBearer(options.apiToken), (c) => mcp(c.req.raw));
  if (options.oauthRoutes) app.route('/oauth/notion', options.oauthRoutes);
  if (options.consoleApp) app.route('/', options.consoleApp);
  return app;
}
