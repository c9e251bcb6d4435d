// Invariant: a run is its source's lease — a second start is `source_busy` until the first
// finishes — and a live run keeps beating (also before its first batch), while a dead one can be
// taken over once its heartbeat is stale.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { storeFactories } from '../store/test-support/store-factories.ts';
import { createRunMeter, startRun } from './runs.ts';

describe.each(storeFactories())('run lease on $name', (factory) => {
  it('refuses a second run, beats while running, and is taken over once stale', async () => {
    const { store } = await factory.create();
    const { source } = await store.sources.upsert({
      name: 'lease',
      kind: 'data_source',
      notionId: 'ds',
    });
    const input = {
      sourceId: source.id,
      sourceName: 'lease',
      trigger: 'test',
      staleAfterMs: 60_000,
      heartbeatMs: 10,
    };
    const lease = await startRun(store, input);
    await expect(startRun(store, input)).rejects.toMatchObject({ code: 'source_busy' });
    await sleep(60);
    const beating = (await store.runs.get(lease.run.id))!;
    expect(Date.parse(beating.heartbeatAt)).toBeGreaterThan(Date.parse(beating.startedAt));
    await lease.finish('ok', createRunMeter());

    const dead = await startRun(store, { ...input, heartbeatMs: 60_000 });
    await sleep(20);
    const taken = await startRun(store, { ...input, staleAfterMs: 5 });
    expect((await store.runs.get(dead.run.id))!.status).toBe('abandoned');
    await taken.finish('ok', createRunMeter());
    await dead.finish('failed', createRunMeter()).catch(() => {});
  });
});
