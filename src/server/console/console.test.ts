// Invariants of the console: two app users who connect the same workspace each get a session
// that sees only their own connection and imports, and 403 on every operator page and API
// route; every form needs its CSRF token; an import started from the picker finishes with its
// source in the store and on the page; the operator sees every connection and no token; the
// conflict review's "take local" is written by the next push.
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../config/index.ts';
import { createEmulator, createManualClock, type Emulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { registerOAuthApp } from '../../sync/connections/test-support.ts';
import {
  createServeHarness,
  type ServeHarness,
  testConfig,
} from '../test-support/serve-harness.ts';

const REDIRECT = 'http://127.0.0.1:8787/oauth/notion/callback';
const API_TOKEN = 'operator-token-0123456789abcdef';
const [sqlite] = storeFactories();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const title = (content: string) => ({ title: { title: [{ text: { content } }] } });

async function setup(sources: (emu: Emulator) => Promise<SourceConfig[]> = async () => []) {
  const clock = createManualClock(Date.UTC(2026, 4, 4, 10));
  const emu = await createEmulator({ clock });
  const running = await emu.listen({ port: 0 });
  closers.push(() => running.close());
  const { client, oauth } = registerOAuthApp(emu, REDIRECT);
  const base = testConfig();
  const h = await createServeHarness(sqlite!, emu, await sources(emu), clock, {
    oauth,
    config: {
      notion: { ...base.notion, baseUrl: running.baseUrl, requestsPerSecond: 1000, burst: 1000 },
      server: { apiToken: API_TOKEN },
    },
  });
  return { clock, emu, client, h };
}

/** One browser: keeps the cookies the app sets and sends them back. */
function browser(h: ServeHarness) {
  const jar = new Map<string, string>();
  return async (path: string, form?: Record<string, string | string[]>) => {
    const headers: Record<string, string> = {};
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: URLSearchParams | undefined;
    if (form) {
      body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await h.service.app.request(path, {
      method: form ? 'POST' : 'GET',
      headers,
      ...(body ? { body } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, at), pair!.slice(at + 1)];
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
    return res;
  };
}
type Browser = ReturnType<typeof browser>;

const csrfOf = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

async function connectAs(
  emu: Emulator,
  clientId: string,
  get: Browser,
  user: string,
  userId: string,
  pageIds: string[],
) {
  const start = await get(`/oauth/notion/start?user=${user}`);
  const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
  const { redirectUrl } = emu.control.oauth.consent({
    clientId,
    redirectUri: REDIRECT,
    state,
    pageIds,
    userId,
  });
  const back = new URL(redirectUrl);
  const landed = await get(`${back.pathname}${back.search}`);
  expect(landed.status).toBe(302);
  return landed.headers.get('location')!;
}

async function operator(h: ServeHarness): Promise<Browser> {
  const get = browser(h);
  const login = await (await get('/login')).text();
  expect((await get('/login', { csrf: csrfOf(login), token: 'wrong' })).status).toBe(401);
  const ok = await get('/login', {
    csrf: csrfOf(await (await get('/login')).text()),
    token: API_TOKEN,
  });
  expect(ok.status).toBe(303);
  return get;
}

describe('console', () => {
  it('keeps two app users of one workspace apart and out of every operator page and API route', async () => {
    const { emu, client, h } = await setup();
    const wiki = await emu
      .client()
      .pages.create({ parent: { page_id: emu.rootPageId }, properties: title('Team Wiki') });
    await emu
      .client()
      .pages.create({ parent: { page_id: wiki.id }, properties: title('Onboarding') });
    const ada = emu.control.createUser({ name: 'Ada', email: 'ada@example.com' });
    const bob = emu.control.createUser({ name: 'Bob', email: 'bob@example.com' });
    const alice = browser(h);
    const bobby = browser(h);
    const aliceHome = await connectAs(emu, client.clientId, alice, 'alice', ada.id, [wiki.id]);
    const bobHome = await connectAs(emu, client.clientId, bobby, 'bob', bob.id, [wiki.id]);
    expect(aliceHome).not.toBe(bobHome);

    const picker = await (await alice(aliceHome)).text();
    expect(picker).toContain('Team Wiki');
    expect((await alice(bobHome)).status).toBe(403);
    for (const path of [
      '/connections',
      '/sources',
      '/runs',
      '/conflicts',
      '/dead-letters',
      `/records/${wiki.id}`,
      '/api/v1/sources',
    ])
      expect([path, (await alice(path)).status]).toEqual([path, 403]);
    const bobConnection = decodeURIComponent(bobHome.split('/')[2]!);
    expect(
      (await alice(`/connections/${bobHome.split('/')[2]}/disconnect`, { csrf: csrfOf(picker) }))
        .status,
    ).toBe(403);
    expect((await h.service.engine.connections.get(bobConnection)).status).toBe('active');

    // The picker's form needs the session's CSRF token.
    const pick = `page:${wiki.id}`;
    expect((await alice(`${aliceHome}`, { pick, [`title:${wiki.id}`]: 'Team Wiki' })).status).toBe(
      403,
    );
    const started = await alice(aliceHome, {
      csrf: csrfOf(picker),
      pick,
      [`title:${wiki.id}`]: 'Team Wiki',
    });
    expect(started.status).toBe(303);
    const progressUrl = started.headers.get('location')!;
    let progress = '';
    for (let i = 0; i < 200 && !progress.includes('data-state="done"'); i++) {
      progress = await (await alice(progressUrl)).text();
      if (progress.includes('data-state="failed"')) break;
      await new Promise((r) => setImmediate(r));
    }
    expect(progress).toContain('Import finished.');
    const [imported] = (
      await h.service.engine.connections.get(decodeURIComponent(aliceHome.split('/')[2]!))
    ).sources;
    expect(imported).toMatch(/^team-wiki-/);
    expect(await (await alice(aliceHome)).text()).toContain(imported);
    expect(await (await bobby(bobHome)).text()).not.toContain(imported);
    expect(
      (await alice(progressUrl.replace(aliceHome.split('/')[2]!, bobHome.split('/')[2]!))).status,
    ).toBe(403);

    const op = await operator(h);
    const connections = await (await op('/connections')).text();
    expect(connections).toContain('alice');
    expect(connections).toContain('bob');
    for (const installation of (await h.service.engine.connections.list()).filter(
      (c) => c.id !== null,
    )) {
      const tokens = await h.testStore.store.connections.readTokens(installation.id!);
      expect(connections).not.toContain(tokens.accessToken);
      expect(connections).not.toContain(tokens.refreshToken);
    }
    expect(connections).not.toContain(API_TOKEN);
    expect(await (await op('/sources')).text()).toContain(imported);
    expect(await (await op(`/runs?source=${imported}`)).text()).toContain('import');
  });

  it('conflict review: take local is recorded by console and written by the next push', async () => {
    let dsId = '';
    const { emu, h } = await setup(async (emu) => {
      dsId = await createDataSource(emu.client(), emu.rootPageId, {
        Name: { title: {} },
        N: { number: {} },
      });
      return [{ name: 'tasks', dataSource: dsId, direction: 'both' }];
    });
    const [pageId] = emu.control.bulkCreatePages(dsId, [
      { Name: { title: [{ text: { content: 'a' } }] }, N: { number: 1 } },
    ]);
    const engine = h.service.engine;
    expect((await engine.pull()).ok).toBe(true);
    await engine.records.update('tasks', pageId!, { N: 10 });
    emu.control.editAsUser(pageId!, { N: { number: 20 } });
    expect((await engine.push()).openConflicts).toBe(1);

    const op = await operator(h);
    const review = await (await op('/conflicts')).text();
    const [open] = await engine.conflicts.list();
    for (const cell of ['<code>1</code>', '<code>20</code>', '<code>10</code>'])
      expect(review).toContain(cell);
    expect((await op('/conflicts/resolve', { one: `${open!.conflict.id}:local` })).status).toBe(
      403,
    );
    const resolved = await op('/conflicts/resolve', {
      csrf: csrfOf(review),
      one: `${open!.conflict.id}:local`,
    });
    expect(resolved.status).toBe(303);
    expect((await engine.conflicts.get(open!.conflict.id)).conflict).toMatchObject({
      state: 'resolved',
      resolvedBy: 'console',
    });
    expect((await engine.push()).openConflicts).toBe(0);
    const live = (await emu.client().pages.retrieve({ page_id: pageId! })) as unknown as {
      properties: { N: { number: number } };
    };
    expect(live.properties.N.number).toBe(10);
  });

  it('pull now runs with trigger console; history shows the diff; disconnect leaves a reconnect link', async () => {
    let dsId = '';
    const { emu, client, h } = await setup(async (emu) => {
      dsId = await createDataSource(emu.client(), emu.rootPageId, {
        Name: { title: {} },
        N: { number: {} },
      });
      return [{ name: 'tasks', dataSource: dsId }];
    });
    const [pageId] = emu.control.bulkCreatePages(dsId, [
      { Name: { title: [{ text: { content: 'a' } }] }, N: { number: 1 } },
    ]);
    const op = await operator(h);
    const sources = await (await op('/sources')).text();
    const done = new Promise((resolve) => h.service.runner.onJobDone(resolve));
    expect((await op('/sources/tasks/pull', { csrf: csrfOf(sources) })).status).toBe(303);
    await done;
    const [run] = await h.service.engine.runs({ source: 'tasks' });
    expect(run).toMatchObject({ trigger: 'console', status: 'ok' });

    emu.control.editAsUser(pageId!, { N: { number: 7 } });
    await h.service.engine.pull(['tasks'], { full: true });
    const history = await (await op(`/records/${pageId}`)).text();
    expect(history).toContain('<del>1</del>');
    expect(history).toContain('<ins>7</ins>');

    const wiki = await emu
      .client()
      .pages.create({ parent: { page_id: emu.rootPageId }, properties: title('Wiki') });
    const alice = browser(h);
    const home = await connectAs(
      emu,
      client.clientId,
      alice,
      'alice',
      emu.control.createUser({ name: 'A', email: 'a@example.com' }).id,
      [wiki.id],
    );
    const name = decodeURIComponent(home.split('/')[2]!);
    const connections = await (await op('/connections')).text();
    expect(
      (await op(`/connections/${home.split('/')[2]}/disconnect`, { csrf: csrfOf(connections) }))
        .status,
    ).toBe(303);
    expect((await h.service.engine.connections.get(name)).status).toBe('revoked');
    const after = await (await alice(home)).text();
    expect(after).toContain('Reconnect Notion');
    expect(after).toContain('/oauth/notion/start?user=alice');
  });
});
