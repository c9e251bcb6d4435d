// End to end: the emulator delivers real, signed webhooks over a socket to a running `serve`.
// Invariants: an edit reaches the store as a version with provenance `webhook:<event id>`
// without any scheduled pull; under delivery faults (duplicates, drops, reordering) every event
// is processed once and the store converges to Notion's state after the next scheduled pull.
import { describe, expect, it } from 'vitest';
import {
  createEmulator,
  createManualClock,
  type Emulator,
  type ManualClock,
} from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import type { Store } from '../store/index.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import type { ServeService } from './serve.ts';
import { createServeHarness } from './test-support/serve-harness.ts';

const [sqlite] = storeFactories();
const title = (content: string) => ({ title: [{ text: { content } }] });

/** Lets deliveries, processing and runs finish (real I/O) without moving the clock. */
async function settle(emu: Emulator, service: ServeService) {
  for (let i = 0; i < 3; i++) {
    await emu.control.webhooks.idle();
    await service.processor.drain();
    while (service.runner.isBusy('tasks')) await new Promise((r) => setTimeout(r, 5));
  }
}

async function stepClock(clock: ManualClock, emu: Emulator, service: ServeService, ms: number) {
  for (let t = 0; t < ms; t += 1000) {
    await clock.advance(1000);
    await settle(emu, service);
  }
}

async function setup(schedule?: string) {
  const clock = createManualClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  const emu = await createEmulator({ clock, faultSeed: 11 });
  const dsId = await createDataSource(emu.client(), emu.rootPageId, {
    Name: { title: {} },
    Count: { number: {} },
  });
  const ids = emu.control.bulkCreatePages(
    dsId,
    Array.from({ length: 12 }, (_, i) => ({ Name: title(`row ${i}`), Count: { number: i } })),
  );
  const h = await createServeHarness(
    sqlite!,
    emu,
    [{ name: 'tasks', dataSource: dsId, ...(schedule ? { schedule } : {}) }],
    clock,
    {
      config: { webhooks: {} },
    },
  );
  const { service } = h;
  const store = h.testStore.store;
  expect((await service.engine.pull(['tasks'], { trigger: 'cli' })).ok).toBe(true);
  const { url } = await service.run();
  // The operator's side of the handshake: read the pending token, verify in Notion, accept.
  const sub = emu.control.webhooks.subscribe({ url: `${url}/webhooks/notion` });
  await emu.control.webhooks.idle();
  const pending = await store.webhookTokens.readPending('default');
  expect(pending).toBe(sub.verificationToken);
  emu.control.webhooks.verify(sub.id, pending!);
  await store.webhookTokens.acceptPending('default');
  return { clock, emu, ids, h, service, store, sub };
}

async function countsInStore(store: Store): Promise<Map<string, unknown>> {
  const source = (await store.sources.getByName('tasks'))!;
  const countId = Object.values(source.schema.properties).find((p) => p.name === 'Count')!.id;
  const out = new Map<string, unknown>();
  for (const pageId of await store.records.listPageIds(source.id)) {
    const [record] = await store.records.findByKey(pageId);
    const versions = await store.history.listVersions(record!.id);
    const current = versions.find((v) => v.id === record!.currentVersionId);
    out.set(pageId, current?.fields[countId]);
  }
  return out;
}

describe('serve with emulator webhooks', () => {
  it('an edit reaches the store as a version with provenance webhook:<id>, no scheduled pull', async () => {
    const { clock, emu, ids, service, store } = await setup();
    emu.control.editAsUser(ids[3]!, { Count: { number: 333 } });
    await stepClock(clock, emu, service, 5000);
    const delivered = emu.control.webhooks
      .deliveries()
      .filter((d) => d.type === 'page.properties_updated');
    expect(delivered.map((d) => d.status)).toEqual([200]);
    const [record] = await store.records.findByKey(ids[3]!);
    const latest = (await store.history.listVersions(record!.id)).at(-1)!;
    expect(latest.trigger).toBe(`webhook:${delivered[0]!.eventId}`);
    expect(JSON.stringify(latest.fields)).toContain('333');
    expect(await store.runs.list({ triggerPrefix: 'schedule' })).toEqual([]);
    await service.stop();
  });

  it('under duplicated, dropped and reordered deliveries converges after the next scheduled pull', async () => {
    const { clock, emu, ids, service, store, sub } = await setup('5m');
    emu.control.webhooks.setFaults(sub.id, { duplicate: 0.4, drop: 0.3, reorder: 3 });
    const client = emu.client();
    for (const [i, id] of ids.entries()) {
      emu.control.editAsUser(id, { Count: { number: 1000 + i } });
      await stepClock(clock, emu, service, 3000);
    }
    emu.control.webhooks.flush();
    await settle(emu, service);
    const deliveries = emu.control.webhooks.deliveries().filter((d) => d.eventId !== null);
    expect(deliveries.some((d) => d.outcome === 'dropped')).toBe(true);
    const sentIds = deliveries.filter((d) => d.status === 200).map((d) => d.eventId!);
    expect(sentIds.length).toBeGreaterThan(new Set(sentIds).size); // some were duplicated
    // Every distinct event is stored once and refreshed at most once.
    const events = await store.db.selectFrom('webhook_events').select('event_id').execute();
    expect(events.length).toBe(new Set(sentIds).size);
    const triggers = (await store.runs.list({ triggerPrefix: 'webhook:', limit: 500 })).map(
      (r) => r.trigger,
    );
    expect(triggers.length).toBe(new Set(triggers).size);

    const truth = new Map<string, unknown>();
    for (const id of ids) {
      const page = (await client.pages.retrieve({ page_id: id })) as unknown as {
        properties: { Count: { number: number } };
      };
      truth.set(id, page.properties.Count.number);
    }
    // Dropped events left some rows behind; the scheduled pull (every 5 minutes) is the truth.
    expect(await countsInStore(store)).not.toEqual(truth);
    expect(await store.runs.list({ triggerPrefix: 'schedule' })).toEqual([]);
    await stepClock(clock, emu, service, 5 * 60_000);
    const scheduled = await store.runs.list({ triggerPrefix: 'schedule' });
    expect(scheduled.map((r) => r.status)).toContain('ok');
    expect(await countsInStore(store)).toEqual(truth);
    await service.stop();
  }, 120_000);
});
