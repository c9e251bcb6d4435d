// A two-way fixture for the push tests: an emulator data source with a few rows, a store of the
// given dialect and an engine syncing it both ways, on the emulator's manual clock. It takes the
// emulator structurally (the test files create it, their oracle), so it stays within sync's
// layering; the engine only ever reaches the emulator through the SDK.
import type { Client } from '@notionhq/client';
import type { SourceConfig } from '../../config/index.ts';
import type { ManualClock } from '../../shared/index.ts';
import type { StoreFactory } from '../../store/test-support/store-factories.ts';
import type { EngineOptions } from '../engine-types.ts';
import type { ConflictPolicy } from '../push/push-types.ts';
import { createPullHarness, type EmulatorEndpoint, type PullHarness } from './pull-harness.ts';

/** What the fixture needs of an emulator (see src/emulator). */
export interface PushEmulator extends EmulatorEndpoint {
  rootPageId: string;
  client(): Client;
  control: {
    requestLog(): { method: string; route: string | null }[];
    bulkCreatePages(dataSourceId: string, rows: readonly Record<string, unknown>[]): string[];
  };
}

export interface PushFixture extends PullHarness {
  clock: ManualClock;
  dataSourceId: string;
  /** Page ids of the seeded rows. */
  ids: string[];
  /** Requests that write to Notion (creates, updates, trashes, schema changes) since `mark`. */
  writesSince(mark: number): number;
  logLength(): number;
}

export const title = (content: string) => ({ title: [{ text: { content } }] });

/** Write requests (anything but reads and queries) in a slice of the emulator's request log. */
export function countWrites(entries: { method: string; route: string | null }[]): number {
  return entries.filter(
    (e) =>
      (e.method === 'POST' || e.method === 'PATCH' || e.method === 'DELETE') &&
      !e.route?.endsWith('/query'),
  ).length;
}

/** The emulator's manual clock starts here in every push test. */
export const PUSH_TEST_START_MS = Date.UTC(2026, 7, 8, 10, 0, 0);

async function createTable(emu: PushEmulator): Promise<string> {
  const db = await emu.client().databases.create({
    parent: { type: 'page_id', page_id: emu.rootPageId },
    title: [{ text: { content: 'Tasks' } }],
    initial_data_source: {
      properties: {
        Name: { title: {} },
        N: { number: {} },
        Tag: { select: { options: [{ name: 'a' }, { name: 'b' }] } },
        Double: { formula: { expression: 'prop("N") * 2' } },
      },
    },
  });
  if (!('data_sources' in db) || !db.data_sources[0]) throw new Error('expected a full database');
  return db.data_sources[0].id;
}

/** Seeds a table of `rows` rows (Name r<i>, N i) and a two-way engine over a fresh store. */
export async function createPushFixture(
  factory: StoreFactory,
  emu: PushEmulator,
  clock: ManualClock,
  options: {
    rows?: number;
    policy?: ConflictPolicy;
    source?: Partial<SourceConfig>;
    engine?: Partial<EngineOptions>;
  } = {},
): Promise<PushFixture> {
  const dataSourceId = await createTable(emu);
  const ids = emu.control.bulkCreatePages(
    dataSourceId,
    Array.from({ length: options.rows ?? 3 }, (_, i) => ({
      Name: title(`r${i}`),
      N: { number: i },
    })),
  );
  const source: SourceConfig = {
    name: 'tasks',
    dataSource: dataSourceId,
    direction: 'both',
    ...(options.policy ? { conflictPolicy: options.policy } : {}),
    ...options.source,
  };
  const harness = await createPullHarness(factory, emu, [source], clock, {
    retryWaitMs: 0,
    ...options.engine,
  });
  return {
    ...harness,
    clock,
    dataSourceId,
    ids,
    logLength: () => emu.control.requestLog().length,
    writesSince: (mark) => countWrites(emu.control.requestLog().slice(mark)),
  };
}
