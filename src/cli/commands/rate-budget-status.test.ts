// `status` shows each shared bucket's use: what it granted, to which lane, its 429s and pause.
import { describe, expect, it } from 'vitest';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { describeRateBudgets, rateBudgetStatus } from './rate-budget-status.ts';

const factory = (name: string) => storeFactories().find((f) => f.name === name)!;

describe('rate budget status', () => {
  it('reports each bucket of a PostgreSQL store with its use, and nothing for SQLite', async () => {
    const { store } = await factory('postgres').create();
    const t0 = Date.UTC(2026, 0, 1);
    await store.rateBudgets.ensure(
      [{ key: 'connection:acme', kind: 'connection', ratePerSecond: 3, capacity: 5, reserve: 1 }],
      t0,
    );
    for (const lane of ['bulk', 'bulk', 'interactive'] as const)
      await store.rateBudgets.take({ keys: ['connection:acme'], lane, nowMs: t0 });
    await store.rateBudgets.pause('connection:acme', t0 + 30_000, t0);
    const [budget] = await rateBudgetStatus(store, t0 + 5000);
    expect(budget).toMatchObject({
      key: 'connection:acme',
      taken: 3,
      interactiveTaken: 1,
      rateLimited: 1,
      pausedUntilMs: t0 + 30_000,
      utilization: 0.15,
    });
    const lines = describeRateBudgets([budget!], t0 + 5000);
    expect(lines[1]).toContain('connection:acme');
    expect(lines[1]).toContain('1 × 429; paused 25 s more');
    const sqlite = await factory('sqlite-memory').create();
    expect(await rateBudgetStatus(sqlite.store, t0)).toEqual([]);
  });
});
