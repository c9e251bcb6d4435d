// A `serve` service over a fresh store and a Notion client pointed at an emulator, for the
// server tests. The emulator is taken structurally (fetch, base URL, token) so this file stays
// within the server's layering; the test files create the emulator, their oracle.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, readConfig, type SourceConfig } from '../../config/index.ts';
import { type JobQueue, openJobQueue } from '../../runner/distributed/index.ts';
import type { Clock } from '../../shared/index.ts';
import type { StoreFactory, TestStore } from '../../store/test-support/store-factories.ts';
import { type EmulatorEndpoint, emulatorClient } from '../../sync/test-support/pull-harness.ts';
import { createServeService, type ServeOptions, type ServeService } from '../serve.ts';
import { signWebhookBody } from '../webhooks/signature.ts';

export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
export const TEST_WEBHOOK_TOKEN = ['secret', 'test', 'webhook', 'key'].join('_');

export type ConfigOverrides = Partial<Omit<Config, 'server' | 'webhooks'>> & {
  server?: Partial<Config['server']>;
  webhooks?: Partial<Config['webhooks']>;
};

/** The defaults of every option, with `overrides` merged over the top-level groups. */
export function testConfig(overrides: ConfigOverrides = {}): Config {
  const { config } = readConfig({
    cwd: mkdtempSync(join(tmpdir(), 'notion-sync-serve-')),
    env: {},
  });
  return {
    ...config,
    ...overrides,
    server: { ...config.server, port: 0, ...overrides.server },
    webhooks: { ...config.webhooks, ...overrides.webhooks },
  };
}

export interface ServeHarness {
  service: ServeService;
  /** The job queue of `runner: distributed` (with `options.distributed`). */
  queue: JobQueue | null;
  testStore: TestStore;
  config: Config;
  /** POSTs `body` (signed with `token` unless `signature` is given) to the receiver in-process. */
  deliver(
    body: string,
    options?: { signature?: string | null; token?: string; path?: string },
  ): Promise<Response>;
}

export async function createServeHarness(
  factory: StoreFactory,
  emulator: EmulatorEndpoint,
  sources: SourceConfig[],
  clock: Clock,
  options: { config?: ConfigOverrides; secretKey?: string | null; distributed?: boolean } & Pick<
    ServeOptions,
    'execute' | 'oauth' | 'engine'
  > = {},
): Promise<ServeHarness> {
  const secretKey = options.secretKey === undefined ? TEST_SECRET_KEY : options.secretKey;
  const testStore = await factory.create({ clock, ...(secretKey ? { secretKey } : {}) });
  // The test key is set unless the test gives `webhooks` of its own (e.g. `{}`: no key).
  const config = testConfig({
    sources,
    ...options.config,
    webhooks: options.config?.webhooks ?? { verificationToken: TEST_WEBHOOK_TOKEN },
  });
  // `runner: distributed`: a queue in a schema beside the test store's (PostgreSQL only).
  const queue = options.distributed
    ? await openJobQueue({
        url: testStore.url,
        schema: `${testStore.schema}_jobs`,
        heartbeatSeconds: 10,
        retryLimit: 0,
        retryDelaySeconds: 0,
        role: 'serve',
      })
    : null;
  const service = createServeService({
    config: queue ? { ...config, runner: 'distributed' } : config,
    store: testStore.store,
    ...(queue ? { queue } : {}),
    notion: emulatorClient(emulator),
    clock,
    ...(options.execute ? { execute: options.execute } : {}),
    ...(options.oauth !== undefined ? { oauth: options.oauth } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
  });
  return {
    service,
    queue,
    testStore,
    config,
    deliver(body, deliverOptions = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const signature =
        deliverOptions.signature === undefined
          ? signWebhookBody(body, deliverOptions.token ?? TEST_WEBHOOK_TOKEN)
          : deliverOptions.signature;
      if (signature !== null) headers['x-notion-signature'] = signature;
      return Promise.resolve(
        service.app.request(deliverOptions.path ?? '/webhooks/notion', {
          method: 'POST',
          body,
          headers,
        }),
      );
    },
  };
}

/** A Notion event envelope (notion-api.md §8.3) as Notion would send it. */
export function notionEvent(input: {
  type: string;
  entityId: string;
  entityType?: string;
  timestamp: string;
  parent?: { id: string; type: string; data_source_id?: string };
  id?: string;
}): Record<string, unknown> {
  return {
    id: input.id ?? randomUUID(),
    timestamp: input.timestamp,
    workspace_id: 'ws-test',
    workspace_name: 'Test',
    subscription_id: 'sub-test',
    integration_id: 'int-test',
    type: input.type,
    authors: [{ id: 'user-1', type: 'person' }],
    attempt_number: 1,
    api_version: '2026-03-11',
    entity: { id: input.entityId, type: input.entityType ?? 'page' },
    data: input.parent ? { parent: input.parent } : {},
  };
}
