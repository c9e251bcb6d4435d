// Invariants of the shared budget seen from the clients (PostgreSQL store, the emulator as
// Notion, each client its own store pool = its own process): four clients of one workspace,
// spread over two connections, together stay within the workspace's 3 req/s — the emulator
// answers no 429 — where four clients pacing on their own do not; a 429 seen by one client
// pauses every client of the bucket its `rate_limit_reason` names; and an interactive request
// is served before a backlog of bulk ones. Assertions are on counts and order, never on time.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../config/index.ts';
import { createEmulator, type Emulator } from '../../emulator/index.ts';
import { type NotionClient, withRequestPriority } from '../../notion/index.ts';
import { type Clock, createManualClock, silentLogger, systemClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import type { Store } from '../store-api.ts';
import { createConnectionClients } from './connection-clients.ts';
import { createSharedRateBudget, type SharedRateBudgetSettings } from './shared-rate-budget.ts';

const postgres = storeFactories().find((f) => f.name === 'postgres')!;

async function processes(count: number): Promise<Store[]> {
  const first = await postgres.create();
  const others = await Promise.all(Array.from({ length: count - 1 }, () => first.reopen()));
  return [first.store, ...others];
}

function notionConfig(emu: Emulator, rateBudget: 'local' | 'shared'): Config['notion'] {
  return {
    token: emu.token,
    baseUrl: emu.baseUrl,
    version: '2026-03-11',
    requestsPerSecond: 3,
    burst: 5,
    maxInFlight: 3,
    timeoutMs: 60_000,
    maxRetries: 1,
    rateBudget,
    workspaceRequestsPerSecond: 3,
    interactiveReserve: 1,
  } as Config['notion'];
}

/** Client `i` of four: even ones on the default connection, odd ones on a second integration. */
function clientOf(emu: Emulator, store: Store, acmeToken: string, rateBudget: 'local' | 'shared') {
  const clients = createConnectionClients({
    store,
    config: {
      notion: notionConfig(emu, rateBudget),
      connections: [{ name: 'acme', tokenEnv: 'ACME_NOTION_TOKEN' }],
    },
    env: { ACME_NOTION_TOKEN: acmeToken },
    clientOptions: { fetch: emu.fetch },
    clock: systemClock,
    logger: silentLogger,
  });
  return (i: number) => clients.client(i % 2 ? 'acme' : 'default');
}

const rateLimited = (client: NotionClient) => client.stats().rateLimited;

describe('shared rate budget (postgres, emulator)', () => {
  it('four clients of one workspace stay within its budget: no 429, unlike local pacing', async () => {
    const emu = await createEmulator({
      rateLimit: { requestsPerSecond: 3, burst: 10, workspaceRequestsPerSecond: 3 },
    });
    const run = async (rateBudget: 'local' | 'shared') => {
      emu.control.reset();
      const acme = emu.control.createIntegration('Acme');
      const stores = await processes(4);
      const clients = await Promise.all(
        stores.map((store, i) => clientOf(emu, store, acme.token, rateBudget)(i)),
      );
      await Promise.all(
        clients.map(async (c) => {
          for (let n = 0; n < 6; n++) await c.users.list({});
        }),
      );
      const refused = emu.control.requestLog().filter((e) => e.status === 429).length;
      return { stores, clients, refused };
    };
    const shared = await run('shared');
    expect(shared.refused).toBe(0);
    expect(shared.clients.map(rateLimited)).toEqual([0, 0, 0, 0]);
    // Every request took a token of its connection's bucket (4 × 6, and the users.me with which
    // a client found its workspace) and, once the workspace was known, one of the workspace's.
    const asked = () => emu.control.requestLog().filter((e) => e.route === 'GET /v1/users/me');
    const meCalls = asked().length;
    expect(meCalls).toBeGreaterThanOrEqual(2);
    const usage = await shared.stores[0]!.rateBudgets.usage(Date.now());
    const taken = Object.fromEntries(
      usage.map((u) => [u.kind === 'workspace' ? 'ws' : u.key, u.taken]),
    );
    expect(taken.ws).toBe(24);
    expect(taken['connection:default']! + taken['connection:acme']!).toBe(24 + meCalls);
    // The workspace is remembered in the connection's row: a later process does not ask again.
    const later = await clientOf(emu, shared.stores[1]!, 'unused', 'shared')(0);
    await later.users.list({});
    expect(asked().length).toBe(meCalls);
    expect(usage.find((u) => u.key === 'connection:default')?.workspaceId).toBe(emu.workspaceId);
    // The same work paced per process earns 429s: two connections at 3 req/s each outrun the workspace.
    const local = await run('local');
    expect(local.refused).toBeGreaterThan(0);
  });

  it('a 429 seen by one client pauses every client of the bucket its rate_limit_reason names', async () => {
    const stores = await processes(3);
    const clock = createManualClock();
    const sleeps: number[] = [];
    const watched: Clock = {
      now: clock.now,
      sleep: (ms) => {
        sleeps.push(ms);
        return clock.sleep(ms);
      },
    };
    const settings: SharedRateBudgetSettings = {
      requestsPerSecond: 3,
      burst: 5,
      workspaceRequestsPerSecond: 3,
      interactiveReserve: 1,
    };
    const budgets = stores.map((store, i) =>
      createSharedRateBudget({
        budgets: store.rateBudgets,
        connection: i === 2 ? 'other' : 'default',
        workspaceId: 'w1',
        settings,
        clock: watched,
        logger: silentLogger,
        maxPollMs: 60_000,
      }),
    );
    (await budgets[0]!.acquire('interactive')).release();
    // Client 0 is told "integration_rate_limit, retry after 2 s": its connection pauses…
    budgets[0]!.pause(2000, 'integration_rate_limit');
    await budgets[0]!.flush();
    let granted = false;
    void budgets[1]!.acquire('interactive').then(() => (granted = true));
    await until(() => sleeps.length > 0);
    expect(granted).toBe(false);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2000);
    // …while a connection of the same workspace that was not named goes on.
    (await budgets[2]!.acquire('interactive')).release();
    await clock.advance(2500);
    await until(() => granted);
    // A workspace_rate_limit pauses the workspace: the other connection waits too.
    budgets[1]!.pause(3000, 'workspace_rate_limit');
    await budgets[1]!.flush();
    let otherGranted = false;
    void budgets[2]!.acquire('interactive').then(() => (otherGranted = true));
    await until(() => sleeps.length > 1);
    expect(otherGranted).toBe(false);
    expect(sleeps[1]).toBeGreaterThanOrEqual(3000);
    await clock.advance(3500);
    await until(() => otherGranted);
    const usage = await stores[0]!.rateBudgets.usage(clock.now());
    const limited = Object.fromEntries(usage.map((u) => [u.key, u.rateLimited]));
    expect(limited).toEqual({ 'connection:default': 1, 'connection:other': 0, 'workspace:w1': 1 });
  });

  it('an interactive request goes before a backlog of bulk requests from other processes', async () => {
    const stores = await processes(4);
    const settings: SharedRateBudgetSettings = {
      requestsPerSecond: 5,
      burst: 2,
      workspaceRequestsPerSecond: 5,
      interactiveReserve: 1,
    };
    const budgets = stores.map((store) =>
      createSharedRateBudget({
        budgets: store.rateBudgets,
        connection: 'default',
        workspaceId: 'w1',
        settings,
        clock: systemClock,
        logger: silentLogger,
      }),
    );
    const order: string[] = [];
    const take = async (i: number, lane: 'interactive' | 'bulk', label: string) => {
      const permit = await withRequestPriority(lane, () => budgets[i]!.acquire(lane));
      order.push(label);
      permit.release();
    };
    const backlog = [0, 1, 2].flatMap((i) =>
      [0, 1, 2].map((n) => take(i, 'bulk', `bulk${i}.${n}`)),
    );
    await until(() => order.length >= 2);
    const before = order.length;
    await take(3, 'interactive', 'interactive');
    await Promise.all(backlog);
    // At most one bulk permit (one already being granted when it arrived) comes before it.
    expect(order.indexOf('interactive') - before).toBeLessThanOrEqual(1);
    expect(order.length - order.indexOf('interactive') - 1).toBeGreaterThanOrEqual(5);
  });
});

describe('shared rate budget: bad configuration', () => {
  it('refuses a SQLite store and a reserve that leaves bulk work nothing, with config_invalid', async () => {
    const emu = await createEmulator();
    const sqlite = await storeFactories()
      .find((f) => f.name === 'sqlite-memory')!
      .create();
    expect(() => clientOf(emu, sqlite.store, 'x', 'shared')).toThrow(
      expect.objectContaining({ code: 'config_invalid' }),
    );
    // `auto` (the default) is shared under `runner: distributed`: refused on SQLite too…
    const auto = { ...notionConfig(emu, 'shared'), rateBudget: 'auto' as const };
    const withRunner = (runner: 'local' | 'distributed') =>
      createConnectionClients({
        store: sqlite.store,
        config: { notion: auto, runner },
        clock: systemClock,
        logger: silentLogger,
      });
    expect(() => withRunner('distributed')).toThrow(
      expect.objectContaining({ code: 'config_invalid' }),
    );
    // …and local with the local runner.
    expect(withRunner('local').configured()[0]?.name).toBe('default');
    const [store] = await processes(1);
    const notion = { ...notionConfig(emu, 'shared'), interactiveReserve: 5 };
    expect(() =>
      createConnectionClients({
        store: store!,
        config: { notion },
        clock: systemClock,
        logger: silentLogger,
      }),
    ).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });
});

/** Waits (real time, bounded by the test timeout) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}
