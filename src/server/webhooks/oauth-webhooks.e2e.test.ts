// End to end: a public integration's ONE webhook subscription serves all its installations.
// Invariants: the emulator delivers every installation's events, signed, to
// /webhooks/notion/oauth; an event refreshes only the sources of the installations it names
// (workspace, and the bots in `accessible_by`), so one app user's edit never refreshes another
// user's import; a token connection's URL never routes to an installation.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEmulator, createManualClock, type Emulator } from '../../emulator/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { pageTree, REDIRECT, registerOAuthApp } from '../../sync/connections/test-support.ts';
import type { ServeService } from '../serve.ts';
import { createServeHarness, notionEvent, testConfig } from '../test-support/serve-harness.ts';

const [sqlite] = storeFactories();

async function settle(emu: Emulator, service: ServeService) {
  for (let i = 0; i < 3; i++) {
    await emu.control.webhooks.idle();
    await service.processor.drain(); // waits for the refreshes it enqueued
  }
}

async function setup() {
  const clock = createManualClock(Date.UTC(2026, 6, 1, 9));
  const emu = await createEmulator({ clock, webhooks: { aggregateMs: 0 } });
  const app = registerOAuthApp(emu);
  const wiki = await pageTree(emu, 'Wiki', 2);
  const notes = await pageTree(emu, 'Notes', 2);
  const running = await emu.listen({ port: 0 });
  const defaults = testConfig();
  // Installations get clients from `notion.*`: unpaced here, since this clock only moves by hand.
  const notion = {
    ...defaults.notion,
    baseUrl: running.baseUrl,
    requestsPerSecond: 1e5,
    burst: 1e5,
  };
  const h = await createServeHarness(sqlite!, emu, [], clock, {
    oauth: app.oauth,
    config: { webhooks: {}, notion, schedule: '6h' },
  });
  const { service } = h;
  // Two app users, each connecting the one page tree they picked in Notion's consent screen.
  const install = async (pageId: string, user: string) => {
    const person = emu.control.createUser({ name: user, email: `${user}@example.com` });
    const { redirectUrl } = emu.control.oauth.consent({
      userId: person.id,
      clientId: app.client.clientId,
      redirectUri: REDIRECT,
      state: user,
      pageIds: [pageId],
    });
    const grant = await app.oauth.exchangeCode(new URL(redirectUrl).searchParams.get('code')!);
    const info = await service.engine.connections.install(
      { ...grant, expiresIn: null },
      { appUser: user },
    );
    const imported = await service.engine.import(info.name, [
      { id: pageId, kind: 'page', title: user },
    ]);
    expect(imported.ok).toBe(true);
    return { info, source: imported.sources[0]!.source };
  };
  const alice = await install(wiki, 'alice');
  const bob = await install(notes, 'bob');
  const { url } = await service.run();
  const sourceId = async (name: string) => (await h.testStore.store.sources.getByName(name))!.id;
  const refreshed = async () =>
    (await h.testStore.store.runs.list({ triggerPrefix: 'webhook:', limit: 50 })).map((r) => ({
      id: r.id,
      sourceId: r.sourceId,
    }));
  const sub = emu.control.webhooks.subscribe({
    url: `${url}/webhooks/notion/oauth`,
    integrationId: app.client.clientId,
  });
  await emu.control.webhooks.idle();
  const store = h.testStore.store;
  const pending = await store.webhookTokens.readPending('oauth');
  expect(pending).toBe(sub.verificationToken);
  emu.control.webhooks.verify(sub.id, pending!);
  await store.webhookTokens.acceptPending('oauth');
  return {
    clock,
    emu,
    h,
    service,
    store,
    wiki,
    notes,
    alice: { ...alice, id: await sourceId(alice.source) },
    bob: { ...bob, id: await sourceId(bob.source) },
    refreshed,
    close: async () => {
      await service.stop();
      await running.close();
    },
  };
}

const childOf = async (emu: Emulator, parent: string) => {
  const children = await emu.client().blocks.children.list({ block_id: parent });
  return children.results.find((b) => 'type' in b && b.type === 'child_page')!.id;
};

describe('webhooks of OAuth installations', () => {
  it('an edit refreshes only the sources of the installation that can see the page', async () => {
    const { emu, service, store, wiki, notes, alice, bob, refreshed, close } = await setup();
    // Imported sources run on the default schedule too.
    const scheduled = service.scheduler.list().map((s) => s.source);
    expect(scheduled.filter((s) => s !== '(janitor)').sort()).toEqual(
      [alice.source, bob.source].sort(),
    );
    const page = await childOf(emu, wiki);
    emu.control.editAsUser(page, { title: { title: [{ text: { content: 'Renamed by Alice' } }] } });
    await emu.control.webhooks.flush();
    await settle(emu, service);

    const delivered = emu.control.webhooks.deliveries().filter((d) => d.eventId !== null);
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.every((d) => d.status === 200)).toBe(true);
    const runs = await refreshed();
    expect(runs.map((r) => r.sourceId)).toContain(alice.id);
    expect(runs.map((r) => r.sourceId)).not.toContain(bob.id);
    const [record] = await store.records.findByKey(page);
    const latest = (await store.history.listVersions(record!.id)).at(-1)!;
    expect(latest.trigger).toMatch(/^webhook:/);
    expect(JSON.stringify(latest.fields)).toContain('Renamed by Alice');

    // Bob's side: his page's edit reaches his source, not Alice's.
    const other = await childOf(emu, notes);
    emu.control.editAsUser(other, { title: { title: [{ text: { content: 'Bob was here' } }] } });
    await emu.control.webhooks.flush();
    await settle(emu, service);
    const newRuns = (await refreshed()).filter((r) => !runs.some((old) => old.id === r.id));
    expect(newRuns.map((r) => r.sourceId)).toEqual([bob.id]);
    await close();
  });

  it('an installation has no URL of its own, and a disconnected one is refreshed no more', async () => {
    const { emu, h, service, store, wiki, alice, refreshed, close } = await setup();
    const own = await h.deliver('{}', { path: `/webhooks/notion/${alice.info.name}` });
    expect(own.status).toBe(404);
    // An event Notion sent just before the disconnect, arriving after it (signed, valid).
    const page = await childOf(emu, wiki);
    const eventId = randomUUID();
    const event = {
      ...notionEvent({
        id: eventId,
        type: 'page.properties_updated',
        entityId: page,
        timestamp: new Date(Date.UTC(2026, 6, 1, 9)).toISOString(),
        parent: { id: wiki, type: 'page' },
      }),
      workspace_id: alice.info.workspaceId,
      accessible_by: [{ id: alice.info.ownerUserId, type: 'person' }],
    };
    await service.engine.connections.disconnect(alice.info.name);
    await service.scheduler.refresh();
    expect(service.scheduler.list().map((s) => s.source)).not.toContain(alice.source);
    const token = (await store.webhookTokens.readAccepted('oauth'))!;
    const before = (await refreshed()).length;
    const res = await h.deliver(JSON.stringify(event), { path: '/webhooks/notion/oauth', token });
    expect(res.status).toBe(200);
    await service.processor.drain();
    expect(await store.webhookEvents.get(eventId)).toMatchObject({ state: 'processed' });
    expect((await refreshed()).length).toBe(before);
    await close();
  });
});
