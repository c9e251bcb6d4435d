// A store, a Notion connection and an engine wired to an emulator, for the sync tests. It takes
// the emulator structurally (fetch, base URL, token) so this file stays within sync's layering;
// the test files create the emulator, their oracle.
import type { SourceConfig } from '../../config/index.ts';
import { createNotionClient, type NotionClient } from '../../notion/index.ts';
import type { Clock } from '../../shared/index.ts';
import type { StoreFactory, TestStore } from '../../store/test-support/store-factories.ts';
import { createEngine } from '../engine.ts';
import type { Engine, EngineOptions } from '../engine-types.ts';
import type { Store } from '../store-api.ts';

export interface EmulatorEndpoint {
  fetch: typeof fetch;
  baseUrl: string;
  token: string;
}

export interface PullHarness {
  store: Store;
  testStore: TestStore;
  notion: NotionClient;
  engine: Engine;
  /** A second engine over the same store (another "process"). */
  engineWith(options?: Partial<EngineOptions>): Engine;
}

/** A Notion client against the emulator; pacing is effectively off (tests count calls instead). */
export function emulatorClient(emulator: EmulatorEndpoint, token = emulator.token): NotionClient {
  return createNotionClient({
    token,
    baseUrl: emulator.baseUrl,
    fetch: emulator.fetch,
    pacing: { requestsPerSecond: 100_000, burst: 100_000, maxInFlight: 8 },
    maxRetries: 1,
    retryBaseDelayMs: 1,
    notionVersion: '2026-03-11',
  });
}

/**
 * A fresh store of `factory`'s dialect and an engine over it. Pass the emulator's manual clock
 * as `clock`: the engine, the store and the emulator must agree on time.
 */
export async function createPullHarness(
  factory: StoreFactory,
  emulator: EmulatorEndpoint,
  sources: SourceConfig[],
  clock: Clock,
  options: Partial<EngineOptions> = {},
): Promise<PullHarness> {
  const testStore = await factory.create({ clock });
  const notion = emulatorClient(emulator);
  const engineWith = (extra: Partial<EngineOptions> = {}) =>
    createEngine({
      config: { sources },
      store: testStore.store,
      notion,
      clock,
      ...options,
      ...extra,
    });
  return { store: testStore.store, testStore, notion, engine: engineWith(), engineWith };
}
