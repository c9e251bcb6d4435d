// Invariants of the shared rate budget rows (PostgreSQL, several stores = several processes):
// concurrent takes never grant more than the bucket holds; refill follows the time given; a
// pause written by one process refuses every process until it ends; a workspace bucket bounds
// all of its connections together; an interactive taker goes before a backlog of bulk takers.
import { describe, expect, it } from 'vitest';
import type { RateBudgetLane, RateBudgetSpec } from './rate-budgets-repository.ts';
import type { Store } from './store.ts';
import { storeFactories } from './test-support/store-factories.ts';

const postgres = storeFactories().find((f) => f.name === 'postgres')!;
const T0 = Date.UTC(2026, 0, 1);

const connectionSpec = (name: string, reserve = 0): RateBudgetSpec => ({
  key: `connection:${name}`,
  kind: 'connection',
  ratePerSecond: 3,
  capacity: 5,
  reserve,
});

/** Four stores on one schema: what four worker processes see. */
async function fourProcesses(): Promise<Store[]> {
  const first = await postgres.create();
  const others = await Promise.all([1, 2, 3].map(() => first.reopen()));
  return [first.store, ...others];
}

async function grantsOf(
  store: Store,
  keys: string[],
  nowMs: number,
  tries: number,
  lane: RateBudgetLane = 'bulk',
): Promise<number> {
  const results = await Promise.all(
    Array.from({ length: tries }, () => store.rateBudgets.take({ keys, lane, nowMs })),
  );
  return results.filter((r) => r.granted).length;
}

describe('rate budgets (postgres)', () => {
  it('grants exactly the bucket, however many processes take at once', async () => {
    const stores = await fourProcesses();
    await stores[0]!.rateBudgets.ensure([connectionSpec('a')], T0);
    const keys = ['connection:a'];
    const burst = await Promise.all(stores.map((s) => grantsOf(s, keys, T0, 10)));
    expect(burst.reduce((a, b) => a + b, 0)).toBe(5);
    // Ten seconds later, 30 more tokens at 3/s — and no more, with 4 × 20 takers asking.
    const later = await Promise.all(stores.map((s) => grantsOf(s, keys, T0 + 10_000, 20)));
    expect(later.reduce((a, b) => a + b, 0)).toBe(5);
    let total = 0;
    for (let ms = 10_000; ms <= 20_000; ms += 50) {
      const round = await Promise.all(stores.map((s) => grantsOf(s, keys, T0 + ms, 1)));
      total += round.reduce((a, b) => a + b, 0);
    }
    // (A last round a little later, so that rounding in the sums cannot hide the 30th token.)
    total += await grantsOf(stores[0]!, keys, T0 + 20_010, 4);
    expect(total).toBe(30);
    const [usage] = await stores[0]!.rateBudgets.usage(T0 + 20_010);
    expect(usage).toMatchObject({ key: 'connection:a', taken: 40, rateLimited: 0 });
  });

  it('a pause written by one process refuses every process until it ends', async () => {
    const stores = await fourProcesses();
    await stores[0]!.rateBudgets.ensure([connectionSpec('a')], T0);
    await stores[1]!.rateBudgets.pause('connection:a', T0 + 2000, T0);
    for (const store of stores) {
      const refused = await store.rateBudgets.take({
        keys: ['connection:a'],
        lane: 'interactive',
        nowMs: T0 + 1000,
      });
      expect(refused).toEqual({ granted: false, waitMs: expect.any(Number) });
      if (!refused.granted) expect(refused.waitMs).toBeGreaterThanOrEqual(1000);
    }
    // The bucket restarts empty at the pause's end: one token a third of a second later.
    expect(await grantsOf(stores[2]!, ['connection:a'], T0 + 2000, 3, 'interactive')).toBe(0);
    expect(await grantsOf(stores[3]!, ['connection:a'], T0 + 2334, 3, 'interactive')).toBe(1);
    const [usage] = await stores[0]!.rateBudgets.usage(T0 + 2334);
    expect(usage).toMatchObject({ rateLimited: 1, taken: 1 });
  });

  it('a workspace bucket bounds all its connections together, and a refusal takes nothing', async () => {
    const stores = await fourProcesses();
    await stores[0]!.rateBudgets.ensure(
      [
        connectionSpec('a'),
        connectionSpec('b'),
        { key: 'workspace:w', kind: 'workspace', ratePerSecond: 3, capacity: 5, reserve: 0 },
      ],
      T0,
    );
    const granted = await Promise.all(
      stores.map((s, i) => grantsOf(s, [`connection:${i % 2 ? 'a' : 'b'}`, 'workspace:w'], T0, 6)),
    );
    expect(granted.reduce((a, b) => a + b, 0)).toBe(5);
    const usage = await stores[0]!.rateBudgets.usage(T0);
    const taken = Object.fromEntries(usage.map((u) => [u.key, u.taken]));
    expect(taken['workspace:w']).toBe(5);
    expect(taken['connection:a']! + taken['connection:b']!).toBe(5);
  });

  it('an interactive taker goes before a backlog of bulk takers', async () => {
    const stores = await fourProcesses();
    await stores[0]!.rateBudgets.ensure([connectionSpec('a', 1)], T0);
    const keys = ['connection:a'];
    // Bulk work spends the bucket down to its reserve: 4 of 5 tokens.
    expect(await grantsOf(stores[0]!, keys, T0, 10)).toBe(4);
    // The reserve is there for an interactive taker at once, not for bulk ones.
    expect(await grantsOf(stores[1]!, keys, T0, 3)).toBe(0);
    expect(await grantsOf(stores[2]!, keys, T0, 1, 'interactive')).toBe(1);
    // Empty now: an interactive taker is refused and holds bulk takers back…
    expect(await grantsOf(stores[2]!, keys, T0 + 1, 1, 'interactive')).toBe(0);
    // …so when tokens come back, a backlog of bulk takers from every process gets none of them,
    const backlog = await Promise.all(stores.map((s) => grantsOf(s, keys, T0 + 700, 5)));
    expect(backlog.reduce((a, b) => a + b, 0)).toBe(0);
    // and the interactive taker gets the next one.
    expect(await grantsOf(stores[2]!, keys, T0 + 700, 1, 'interactive')).toBe(1);
    // Once no interactive taker waits (the hold lapses), bulk takers spend again.
    expect(await grantsOf(stores[3]!, keys, T0 + 3000, 10)).toBe(4);
    const [usage] = await stores[0]!.rateBudgets.usage(T0 + 3000);
    expect(usage).toMatchObject({ taken: 10, interactiveTaken: 2 });
  });

  it('is refused on SQLite with config_invalid', async () => {
    const sqlite = storeFactories().find((f) => f.name === 'sqlite-memory')!;
    const { store } = await sqlite.create();
    await expect(
      store.rateBudgets.take({ keys: ['connection:a'], lane: 'bulk', nowMs: T0 }),
    ).rejects.toMatchObject({ code: 'config_invalid' });
  });
});
