// Invariants of the connect flow: start needs OAuth configured and a secret key; the state is
// single-use and bound to the browser that started it, so a forged state, a replayed callback
// and a callback from another browser session are refused with 400 and store nothing; a
// replayed code fails the exchange with a page that says how to retry; access_denied lands on a
// clear page; a good callback stores the installation with its tokens encrypted and lands on
// the import step. No page holds a token, a code or the client secret.
import { describe, expect, it } from 'vitest';
import { createEmulator, createManualClock, type Emulator } from '../../emulator/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { registerOAuthApp } from '../../sync/connections/test-support.ts';
import { createServeHarness, type ServeHarness } from '../test-support/serve-harness.ts';

const REDIRECT = 'http://127.0.0.1:8787/oauth/notion/callback';
const [sqlite] = storeFactories();

async function setup(options: { secretKey?: null; noOAuth?: boolean } = {}) {
  const clock = createManualClock(Date.UTC(2026, 4, 4, 10));
  const emu = await createEmulator({ clock });
  const { client, oauth } = registerOAuthApp(emu, REDIRECT);
  const h = await createServeHarness(sqlite!, emu, [], clock, {
    oauth: options.noOAuth ? null : oauth,
    ...(options.secretKey === null ? { secretKey: null } : {}),
  });
  return { clock, emu, client, h };
}

/** One browser: keeps the cookies the app sets and sends them back. */
function browser(h: ServeHarness) {
  const jar = new Map<string, string>();
  return async (path: string) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await h.service.app.request(path, { headers: cookie ? { cookie } : {} });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=');
      if (value) jar.set(name!, value);
      else jar.delete(name!);
    }
    return res;
  };
}

/** Starts in `get`'s browser and consents in the emulator; the callback path Notion redirects to. */
async function connect(
  emu: Emulator,
  clientId: string,
  get: ReturnType<typeof browser>,
  decision: 'allow' | 'deny' = 'allow',
) {
  const start = await get('/oauth/notion/start?user=user-1');
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.pathname).toBe('/v1/oauth/authorize');
  const { redirectUrl } = emu.control.oauth.consent({
    clientId,
    redirectUri: REDIRECT,
    state: authorize.searchParams.get('state')!,
    pageIds: [emu.rootPageId],
    decision,
  });
  const back = new URL(redirectUrl);
  return `${back.pathname}${back.search}`;
}

const installations = async (h: ServeHarness) =>
  (await h.service.engine.connections.list()).filter((c) => c.kind === 'oauth');

describe('OAuth connect flow', () => {
  it('stores the installation with its tokens encrypted and lands on the import step', async () => {
    const { emu, client, h } = await setup();
    const get = browser(h);
    const callback = await connect(emu, client.clientId, get);
    const landed = await get(callback);
    expect(landed.status).toBe(302);
    const [installed] = await installations(h);
    expect(installed).toMatchObject({ status: 'active', appUser: 'user-1', kind: 'oauth' });
    expect(landed.headers.get('location')).toBe(`/connections/${installed!.name}/import`);
    const tokens = await h.testStore.store.connections.readTokens(installed!.id!);
    expect(tokens.accessToken).toBeTruthy();
    // The tokens work, and the stored columns are ciphertext.
    expect((await emu.client({ token: tokens.accessToken! }).search({})).results.length).toBe(1);
    const raw = await h.testStore.store.db
      .selectFrom('connections')
      .select(['access_token_enc', 'refresh_token_enc'])
      .execute();
    expect(JSON.stringify(raw)).not.toContain(tokens.accessToken);
    expect(JSON.stringify(raw)).not.toContain(tokens.refreshToken);
  });

  it('refuses a forged state, a replayed callback and a callback from another browser session', async () => {
    const { emu, client, h } = await setup();
    const alice = browser(h);
    const mallory = browser(h);
    const callback = await connect(emu, client.clientId, alice);

    const forged = await alice(callback.replace(/state=[^&]+/, 'state=forged'));
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('unknown or already used state');
    await mallory('/oauth/notion/start');
    const foreign = await mallory(callback);
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('another browser session');
    expect(await installations(h)).toEqual([]);

    expect((await alice(callback)).status).toBe(302);
    const replayed = await alice(callback);
    expect(replayed.status).toBe(400);
    expect(await installations(h)).toHaveLength(1);
  });

  it('a replayed code fails the exchange with a page that says how to retry, storing nothing', async () => {
    const { emu, client, h } = await setup();
    const get = browser(h);
    const first = await connect(emu, client.clientId, get);
    const code = new URL(first, 'http://x').searchParams.get('code')!;
    expect((await get(first)).status).toBe(302);
    await h.service.engine.connections.disconnect((await installations(h))[0]!.name);

    const second = await connect(emu, client.clientId, get);
    const reused = await get(second.replace(/code=[^&]+/, `code=${code}`));
    expect(reused.status).toBe(502);
    const page = await reused.text();
    expect(page).toContain('invalid_grant');
    expect(page).toContain('/oauth/notion/start?user=user-1');
    expect(page).not.toContain(code);
    expect(page).not.toContain(client.clientSecret);
    expect((await installations(h)).map((c) => c.status)).toEqual(['revoked']);
  });

  it('lands on a clear page when the user does not allow access', async () => {
    const { emu, client, h } = await setup();
    const get = browser(h);
    const denied = await get(await connect(emu, client.clientId, get, 'deny'));
    expect(denied.status).toBe(200);
    expect(await denied.text()).toContain('Notion access was not granted');
    expect(await installations(h)).toEqual([]);
  });

  it('does not start without a secret key or without OAuth configured', async () => {
    const noKey = await setup({ secretKey: null });
    const refused = await browser(noKey.h)('/oauth/notion/start');
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('NOTION_SYNC_SECRET_KEY');
    const noOAuth = await setup({ noOAuth: true });
    const off = await browser(noOAuth.h)('/oauth/notion/start');
    expect(off.status).toBe(503);
    expect(await off.text()).toContain('NOTION_OAUTH_CLIENT_SECRET');
  });
});
