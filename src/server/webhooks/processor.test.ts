// Invariant: a persisted webhook event leads to a re-read of its entity through the runner —
// never to trusting the event — so the store reflects Notion's state with provenance
// `webhook:<event id>`; duplicates are processed once; an event that cannot be processed is
// retried, then parked with its error. Runs on every store dialect against the emulator.
import { describe, expect, it } from 'vitest';
import { createEmulator, createManualClock } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { silentLogger } from '../../shared/index.ts';
import { type StoreFactory, storeFactories } from '../../store/test-support/store-factories.ts';
import { createServeHarness, notionEvent } from '../test-support/serve-harness.ts';
import { createWebhookProcessor } from './processor.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });

async function setup(factory: StoreFactory) {
  const clock = createManualClock(Date.UTC(2026, 4, 4, 10, 0, 0));
  const emu = await createEmulator({ clock });
  const notion = emu.client();
  const dsId = await createDataSource(notion, emu.rootPageId, {
    Name: { title: {} },
    Count: { number: {} },
  });
  const otherDs = await createDataSource(
    notion,
    emu.rootPageId,
    { Name: { title: {} } },
    'Elsewhere',
  );
  const ds = (await notion.dataSources.retrieve({ data_source_id: dsId })) as {
    parent: { database_id: string };
  };
  const ids = emu.control.bulkCreatePages(dsId, [
    { Name: title('a'), Count: { number: 1 } },
    { Name: title('b') },
  ]);
  const h = await createServeHarness(factory, emu, [{ name: 'tasks', dataSource: dsId }], clock);
  expect((await h.service.engine.pull(['tasks'])).ok).toBe(true);
  await clock.advance(5 * 60_000);
  const parent = { id: ds.parent.database_id, type: 'database', data_source_id: dsId };
  const event = (
    type: string,
    entityId: string,
    extra: Partial<Parameters<typeof notionEvent>[0]> = {},
  ) =>
    notionEvent({
      type,
      entityId,
      timestamp: new Date(clock.now()).toISOString(),
      parent,
      ...extra,
    });
  return { clock, emu, notion, dsId, otherDs, ids: ids as [string, string], h, event };
}

async function recordOf(h: Awaited<ReturnType<typeof setup>>['h'], pageId: string) {
  const [record] = await h.testStore.store.records.findByKey(pageId);
  return record!;
}

describe.each(storeFactories())('webhook processing on $name', (factory) => {
  it('re-reads an edited page and stores a version with provenance webhook:<id>; duplicates once', async () => {
    const { emu, ids, h, event } = await setup(factory);
    emu.control.editAsUser(ids[0], { Count: { number: 42 } });
    const sent = event('page.properties_updated', ids[0]);
    const body = JSON.stringify(sent);
    for (let i = 0; i < 3; i++) expect((await h.deliver(body)).status).toBe(200);
    // Persisted before the answer, processed afterwards.
    expect(await h.testStore.store.webhookEvents.get(sent.id as string)).not.toBeNull();
    await h.service.processor.drain();
    const record = await recordOf(h, ids[0]);
    const versions = await h.testStore.store.history.listVersions(record.id);
    expect(versions.at(-1)).toMatchObject({
      trigger: `webhook:${sent.id}`,
      fields: expect.objectContaining({}),
    });
    expect(JSON.stringify(versions.at(-1)?.fields)).toContain('42');
    const refreshes = await h.testStore.store.runs.list({ kind: 'refresh' });
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]).toMatchObject({ trigger: `webhook:${sent.id}`, status: 'ok' });
    expect(await h.testStore.store.webhookEvents.get(sent.id as string)).toMatchObject({
      state: 'processed',
    });
  });

  it('coalesces events of one page: one refresh, named by the newest event', async () => {
    const { emu, ids, h, event, clock } = await setup(factory);
    emu.control.editAsUser(ids[1], { Name: title('b2') });
    const older = event('page.properties_updated', ids[1]);
    const newer = event('page.content_updated', ids[1], {
      timestamp: new Date(clock.now() + 1000).toISOString(),
    });
    // Delivered out of order.
    await h.deliver(JSON.stringify(newer));
    await h.deliver(JSON.stringify(older));
    await h.service.processor.drain();
    const refreshes = await h.testStore.store.runs.list({ kind: 'refresh' });
    expect(refreshes.map((r) => r.trigger)).toEqual([`webhook:${newer.id}`]);
  });

  it('tombstones a trashed page and a page moved out of the source; ignores unknown entities', async () => {
    const { notion, ids, h, event, otherDs } = await setup(factory);
    await notion.pages.update({ page_id: ids[0], in_trash: true });
    await notion.pages.move({
      page_id: ids[1],
      parent: { type: 'data_source_id', data_source_id: otherDs },
    });
    const stranger = (
      await notion.pages.create({
        parent: { data_source_id: otherDs },
        properties: { Name: title('x') },
      })
    ).id;
    await h.deliver(JSON.stringify(event('page.deleted', ids[0])));
    await h.deliver(JSON.stringify(event('page.moved', ids[1])));
    const ignored = event('page.created', stranger, {
      parent: { id: 'elsewhere', type: 'database', data_source_id: otherDs },
    });
    await h.deliver(JSON.stringify(ignored));
    await h.service.processor.drain();
    expect((await recordOf(h, ids[0])).tombstone).toBe('trashed');
    expect((await recordOf(h, ids[1])).tombstone).toBe('missing');
    expect(await h.testStore.store.records.findByKey(stranger)).toEqual([]);
    expect(await h.testStore.store.webhookEvents.get(ignored.id as string)).toMatchObject({
      state: 'processed',
    });
    expect(await h.testStore.store.webhookEvents.countByState()).toEqual({
      pending: 0,
      processed: 3,
      failed: 0,
    });
  });

  it('refreshes the schema on data_source.schema_updated', async () => {
    const { notion, dsId, h, event } = await setup(factory);
    await notion.dataSources.update({ data_source_id: dsId, properties: { Due: { date: {} } } });
    const sent = event('data_source.schema_updated', dsId, { entityType: 'data_source' });
    await h.deliver(JSON.stringify(sent));
    await h.service.processor.drain();
    const source = await h.testStore.store.sources.getByName('tasks');
    expect(Object.values(source!.schema.properties).map((p) => p.name)).toContain('Due');
    const [run] = await h.testStore.store.runs.list({ limit: 1 });
    expect(run).toMatchObject({ kind: 'pull', trigger: `webhook:${sent.id}` });
  });

  it('retries an event whose refresh fails, then parks it with its error', async () => {
    const { emu, ids, h, event, clock } = await setup(factory);
    emu.control.setFaults([{ route: 'GET /v1/pages/{page_id}', status: 503 }]);
    const processor = createWebhookProcessor({
      store: h.testStore.store,
      runner: h.service.runner,
      metrics: h.service.metrics,
      logger: silentLogger,
      clock,
      connections: async () => [{ name: 'default', sources: h.config.sources }],
      maxAttempts: 2,
    });
    const sent = event('page.properties_updated', ids[0]);
    await h.deliver(JSON.stringify(sent));
    await processor.drain();
    expect(await h.testStore.store.webhookEvents.get(sent.id as string)).toMatchObject({
      state: 'pending',
      attempts: 1,
    });
    await processor.drain();
    expect((await h.testStore.store.webhookEvents.get(sent.id as string))?.attempts).toBe(1);
    await clock.advance(60_000);
    await processor.drain();
    const parked = await h.testStore.store.webhookEvents.get(sent.id as string);
    expect(parked).toMatchObject({
      state: 'failed',
      attempts: 2,
      lastError: expect.stringContaining('refresh of tasks failed'),
    });
    expect((await h.testStore.store.webhookEvents.listFailed()).map((e) => e.eventId)).toEqual([
      sent.id,
    ]);
  });
});
