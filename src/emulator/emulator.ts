import { Client, LogLevel } from '@notionhq/client';
import type { Hono } from 'hono';
import { type Clock, systemClock } from '../shared/index.ts';
import { createApiApp, RESET_MARKER, type RequestLogEntry } from './app.ts';
import { createActAsUser } from './control/act-as-user.ts';
import { createControl, type EmulatorControl, type EmulatorSnapshot } from './control/control.ts';
import { HostAllowList, type StatePaths } from './control/control-guard.ts';
import { createControlApp } from './control/control-routes.ts';
import { createFaultInjector, type FaultRule } from './faults.ts';
import { createFileHost } from './file-host.ts';
import type { OAuthOptions } from './oauth/grants.ts';
import { createOAuth } from './oauth/oauth.ts';
import { createRateLimiter, type RateLimitOptions } from './rate-limiter.ts';
import { displayTemplate } from './router.ts';
import { apiRoutes } from './routes/index.ts';
import { type DemoWorkspace, seedDemoWorkspace } from './seed/seed-demo.ts';
import { listenApp, type RunningServer } from './server.ts';
import type { NotionVersion } from './state.ts';
import { DEFAULT_AGGREGATE_MS } from './webhooks/dispatcher.ts';
import { createScheduler } from './webhooks/scheduler.ts';
import { createWebhooks } from './webhooks/webhooks.ts';
import { createInitialState, Workspace } from './workspace.ts';

export interface EmulatorOptions {
  /** `'demo'` fills the workspace with the demo wiki and Projects/Tasks databases. Default `'empty'`. */
  seed?: 'empty' | 'demo';
  /** Drives timestamps and the rate limiter; tests pass `createManualClock()`. */
  clock?: Clock;
  /** Token buckets per integration (and optionally per workspace); off by default in-process. */
  rateLimit?: RateLimitOptions | false;
  /** Added wall-clock latency per API request. */
  latencyMs?: number;
  /** Seed of the fault generator (default 1). */
  faultSeed?: number;
  /** Faults active from the start (see `control.setFaults`). */
  faults?: readonly FaultRule[];
  /** Base URL of in-process clients (default `http://notion.emulator`). */
  baseUrl?: string;
  /** Webhook delivery: aggregation window (default 2000 ms, emulator clock), receiver timeout (real ms, default 10 000), the `fetch` used. */
  webhooks?: { aggregateMs?: number; timeoutMs?: number; fetch?: typeof fetch };
  /** OAuth access-token lifetime (default: none) and whether to send `expires_in`. */
  oauth?: OAuthOptions;
  /** Files the control API's `state/save` and `state/load` may use (default: none). */
  statePaths?: StatePaths;
  /** The workspace's per-file upload limit in bytes (`users.me`; default 5 MiB, a free plan). */
  fileUploadLimitBytes?: number;
}

export interface Emulator {
  app: Hono;
  /** In-process fetch (no sockets): pass to `new Client({ fetch, baseUrl })`. */
  fetch: typeof fetch;
  baseUrl: string;
  /** The default integration's token. */
  token: string;
  integrationId: string;
  workspaceId: string;
  /** A page shared with the default integration. */
  rootPageId: string;
  client(options?: { token?: string; notionVersion?: NotionVersion }): Client;
  control: EmulatorControl;
  listen(options?: { port?: number; host?: string }): Promise<RunningServer>;
  /** Ids of the demo wiki and databases when started with `seed: 'demo'`. */
  demo?: DemoWorkspace;
}

/** What an in-process client sees when a fault drops the connection (undici's wording). */
function connectionReset(): TypeError {
  const cause = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  return new TypeError('fetch failed', { cause });
}

const DEMO_PEOPLE = [
  { name: 'Ada Lovelace', email: 'ada@example.com' },
  { name: 'Grace Hopper', email: 'grace@example.com' },
  { name: 'Alan Turing', email: 'alan@example.com' },
];

/** The demo content, built through an SDK client on the emulator itself (no rate limit). */
async function seedDemo(emulator: Emulator): Promise<DemoWorkspace> {
  for (const person of DEMO_PEOPLE) emulator.control.createUser(person);
  return seedDemoWorkspace(emulator.client({ notionVersion: '2026-03-11' }), {
    rootPageId: emulator.rootPageId,
  });
}

/**
 * Starts a Notion API emulator in-process. Talk to it with `emulator.client()` or any
 * `@notionhq/client` given `emulator.fetch` and `emulator.baseUrl`; `listen()` serves it on a socket.
 */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = options.clock ?? systemClock;
  const clockOffset = { ms: 0 };
  const now = () => clock.now() + clockOffset.ms;
  const ws = new Workspace(createInitialState(now()), now);
  if (options.fileUploadLimitBytes) ws.fileUploadLimitBytes = options.fileUploadLimitBytes;
  const log: RequestLogEntry[] = [];
  const faults = createFaultInjector(
    options.faultSeed ?? 1,
    apiRoutes.map((route) => displayTemplate(route.template)),
  );
  let limiter = options.rateLimit ? createRateLimiter(options.rateLimit, now) : undefined;
  const configuredLimiter = limiter;
  let initial: EmulatorSnapshot | undefined;
  const webhooks = createWebhooks({
    ws,
    scheduler: createScheduler(clock, clock === systemClock),
    fetch: options.webhooks?.fetch ?? globalThis.fetch,
    aggregateMs: options.webhooks?.aggregateMs ?? DEFAULT_AGGREGATE_MS,
    timeoutMs: options.webhooks?.timeoutMs ?? 10_000,
    faultSeed: options.faultSeed ?? 1,
  });
  const oauth = createOAuth(ws, options.oauth ?? {});
  const control = createControl({
    ws,
    log,
    faults,
    rateLimiter: () => limiter,
    clockOffset,
    initial: () => initial!,
    webhooks: webhooks.control,
    clearDeliveries: webhooks.clear,
    observe: webhooks.observe,
    actAsUser: createActAsUser(ws, apiRoutes, webhooks.observe),
    oauth: oauth.control,
    files: createFileHost(ws),
  });
  const baseUrl = (options.baseUrl ?? 'http://notion.emulator').replace(/\/$/, '');
  ws.baseUrl = baseUrl;
  const hosts = new HostAllowList();
  hosts.add(baseUrl);
  const app = createApiApp({
    ws,
    routes: apiRoutes,
    rateLimiter: () => limiter,
    faults,
    log,
    latencyMs: options.latencyMs ?? 0,
    control: createControlApp(control, { hosts, statePaths: options.statePaths ?? {} }),
    oauth: oauth.app,
    observe: webhooks.observe,
  });
  const inProcessFetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const response = await app.request(input, init);
    if (response.headers.get(RESET_MARKER)) throw connectionReset();
    return response;
  }) as typeof fetch;
  const emulator: Emulator = {
    app,
    fetch: inProcessFetch,
    baseUrl,
    // Getters: loadState/restore may bring another workspace with its own ids and token.
    get token() {
      return ws.state.integrations[ws.state.defaultIntegrationId]?.tokens[0] ?? '';
    },
    get integrationId() {
      return ws.state.defaultIntegrationId;
    },
    get workspaceId() {
      return ws.state.workspaceId;
    },
    get rootPageId() {
      return ws.state.rootPageId;
    },
    client: (clientOptions = {}) =>
      new Client({
        auth: clientOptions.token ?? emulator.token,
        fetch: inProcessFetch,
        baseUrl,
        notionVersion: clientOptions.notionVersion ?? '2026-03-11',
        logLevel: LogLevel.ERROR,
      }),
    control,
    listen: async (listenOptions) => {
      const server = await listenApp(app, listenOptions);
      ws.baseUrl = server.baseUrl;
      hosts.add(server.baseUrl, listenOptions?.host ?? '127.0.0.1');
      return server;
    },
  };
  if (options.seed === 'demo') {
    limiter = undefined;
    emulator.demo = await seedDemo(emulator);
    limiter = configuredLimiter;
    log.length = 0;
  }
  initial = control.snapshot();
  if (options.faults) faults.set(options.faults);
  return emulator;
}
