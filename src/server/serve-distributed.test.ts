// `serve` with `runner: distributed` on PostgreSQL, and a worker service beside it: a signed
// webhook event becomes a refresh job in the queue that the worker runs, and the edit reaches the
// store as a version with provenance `webhook:<event id>`; the REST API's trigger is queued too.
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, createManualClock } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { INTERACTIVE_QUEUE } from '../runner/distributed/index.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import { emulatorClient } from '../sync/test-support/pull-harness.ts';
import { createServeHarness, type ServeHarness } from './test-support/serve-harness.ts';
import { createWorkerService, type WorkerService } from './worker/worker-service.ts';

const postgres = storeFactories().find((f) => f.name === 'postgres')!;
const title = (content: string) => ({ title: [{ text: { content } }] });
const running: { h: ServeHarness; worker: WorkerService }[] = [];

afterEach(async () => {
  for (const { h, worker } of running.splice(0)) {
    await worker.stop();
    await h.service.stop();
    await h.queue?.stop({ graceful: false, timeoutMs: 1_000 });
  }
});

async function setup() {
  const clock = createManualClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  const emu = await createEmulator({ clock });
  const dsId = await createDataSource(emu.client(), emu.rootPageId, {
    Name: { title: {} },
    Count: { number: {} },
  });
  const ids = emu.control.bulkCreatePages(
    dsId,
    Array.from({ length: 5 }, (_, i) => ({ Name: title(`row ${i}`), Count: { number: i } })),
  );
  const h = await createServeHarness(postgres, emu, [{ name: 'tasks', dataSource: dsId }], clock, {
    config: { webhooks: {} },
    distributed: true,
  });
  const worker = createWorkerService({
    config: { ...h.config, worker: { ...h.config.worker, port: 0, concurrency: 1 } },
    store: h.testStore.store,
    notion: emulatorClient(emu),
    queue: h.queue!,
    clock,
  });
  running.push({ h, worker });
  await worker.run();
  const { url } = await h.service.run();
  return { clock, emu, ids, h, url };
}

describe('serve with runner: distributed', () => {
  it('queues API runs and webhook refreshes; a worker runs them', async () => {
    const { clock, emu, ids, h, url } = await setup();
    const store = h.testStore.store;
    const started = await fetch(`${url}/api/v1/sources/tasks/pull`, { method: 'POST' });
    expect(started.status).toBe(202);
    const queued = await h.queue!.boss.findJobs<{ trigger: string }>(INTERACTIVE_QUEUE);
    expect(queued.map((j) => j.data.trigger)).toEqual(['api']);
    while ((await store.runs.list({ status: 'ok' })).length === 0)
      await new Promise((resolve) => setTimeout(resolve, 50));

    const sub = emu.control.webhooks.subscribe({ url: `${url}/webhooks/notion` });
    await emu.control.webhooks.idle();
    emu.control.webhooks.verify(sub.id, (await store.webhookTokens.readPending('default'))!);
    await store.webhookTokens.acceptPending('default');
    emu.control.editAsUser(ids[2]!, { Count: { number: 222 } });
    for (let s = 0; s < 5; s += 1) {
      // Notion sends the event a moment after the edit (on the manual clock).
      await clock.advance(1000);
      await emu.control.webhooks.idle();
      // The processor waits for the refresh job's outcome, which only a worker produces.
      await h.service.processor.drain();
    }
    const [delivered] = emu.control.webhooks
      .deliveries()
      .filter((d) => d.type === 'page.properties_updated');
    const [record] = await store.records.findByKey(ids[2]!);
    const latest = (await store.history.listVersions(record!.id)).at(-1)!;
    expect(latest.trigger).toBe(`webhook:${delivered!.eventId}`);
    expect(JSON.stringify(latest.fields)).toContain('222');
    const refreshes = (await h.queue!.boss.findJobs<{ kind: string }>(INTERACTIVE_QUEUE)).filter(
      (j) => j.data.kind === 'refresh',
    );
    expect(refreshes.map((j) => j.state)).toEqual(['completed']);
  });
});
