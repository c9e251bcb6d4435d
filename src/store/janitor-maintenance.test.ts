// Invariant: janitor deletes a run only when it is finished, older than the cut, not its source's
// latest, and named by no version, conflict, checkpoint or schema change; a webhook event only
// when processed before the cut; both in batches of at most `limit` rows; counts match deletes;
// `optimize` runs on both dialects.
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../shared/index.ts';
import { pulledRow } from './test-support/pulled-rows.ts';
import { storeFactories } from './test-support/store-factories.ts';

const DAY = 86_400_000;

describe.each(storeFactories())('janitor maintenance on $name', (factory) => {
  it('prunes old unreferenced runs and processed events, in batches', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const { store } = await factory.create({ clock });
    const { source } = await store.sources.upsert({
      name: 'tasks',
      kind: 'data_source',
      notionId: 'ds-1',
    });
    const finished = async () => {
      const run = await store.runs.start({ sourceId: source.id, kind: 'pull', trigger: 'cli' });
      return store.runs.finish(run.id, { status: 'ok' });
    };
    const empty = [await finished(), await finished(), await finished()];
    const named = await finished();
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [pulledRow('p1', { title: 'a' })],
      runId: named.id,
      provenance: { runId: named.id, trigger: 'cli' },
    });
    await store.webhookEvents.record({ eventId: 'e-old', type: 'page.updated', payload: {} });
    await store.webhookEvents.record({ eventId: 'e-pending', type: 'page.updated', payload: {} });
    await store.webhookEvents.markProcessed('e-old');
    await clock.advance(40 * DAY);
    const latest = await finished();
    await store.webhookEvents.record({ eventId: 'e-new', type: 'page.updated', payload: {} });
    await store.webhookEvents.markProcessed('e-new');

    const cut = { olderThan: new Date(clock.now() - 30 * DAY).toISOString() };
    expect(await store.maintenance.countPrunableRuns(cut)).toBe(3);
    expect(await store.maintenance.pruneRuns({ ...cut, limit: 2 })).toBe(2);
    expect(await store.maintenance.pruneRuns({ ...cut, limit: 2 })).toBe(1);
    expect(await store.maintenance.pruneRuns({ ...cut, limit: 2 })).toBe(0);
    const left = (await store.runs.list({ limit: 50 })).map((r) => r.id).sort();
    expect(left).toEqual([named.id, latest.id].sort());
    expect(empty.every((r) => !left.includes(r.id))).toBe(true);

    expect(await store.maintenance.countPrunableWebhookEvents(cut)).toBe(1);
    expect(await store.maintenance.pruneWebhookEvents(cut)).toBe(1);
    expect(await store.webhookEvents.get('e-old')).toBeNull();
    expect(await store.webhookEvents.get('e-pending')).not.toBeNull();
    expect(await store.webhookEvents.get('e-new')).not.toBeNull();
    expect(await store.maintenance.optimize({ vacuum: true })).toContain('ANALYZE');
  });

  it('records the database init created, replacing it when created again', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const { store } = await factory.create({ clock });
    const first = await store.declared.record({
      sourceName: 'teams',
      databaseId: 'db-1',
      dataSourceId: 'ds-1',
      configuredId: null,
      propertyIds: { Name: 'title' },
    });
    await clock.advance(DAY);
    await store.declared.record({ ...first, propertyIds: { Name: 'title', Score: 'abc' } });
    expect((await store.declared.get('teams'))!.createdAt).toBe(first.createdAt);
    await store.declared.record({ ...first, databaseId: 'db-2', dataSourceId: 'ds-2' });
    const again = (await store.declared.get('teams'))!;
    expect(again).toMatchObject({ databaseId: 'db-2', dataSourceId: 'ds-2' });
    expect(again.createdAt).not.toBe(first.createdAt);
    expect(await store.declared.list()).toHaveLength(1);
  });
});
