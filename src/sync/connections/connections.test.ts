// Invariants: each source reads through the connection it names (`default`, a token from
// `connections[].tokenEnv`, or an OAuth installation in the store), each connection with its
// own client; an OAuth installation's expired token is refreshed once however many requests
// meet the 401 at once, the rotated refresh token persisted; a refused refresh marks the
// connection `reconnect` and loses no rows; disconnect revokes at Notion and marks the sources
// `access_lost`, never tombstones. Runs on every dialect.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { isNotionSyncError } from '../../errors.ts';
import { createManualClock } from '../../shared/index.ts';
import { type StoreFactory, storeFactories } from '../../store/test-support/store-factories.ts';
import { installationName } from './connections-api.ts';
import { engineOver, installOAuth, KEY, LIFETIME_MS, pageTree } from './test-support.ts';

const codeOf = (e: unknown) => (isNotionSyncError(e) ? e.code : e);

describe.each(storeFactories())('connections on $name', (factory: StoreFactory) => {
  it('pulls each source through the connection it names, each connection its own client', async () => {
    const clock = createManualClock(Date.UTC(2026, 6, 1, 9));
    const emu = await createEmulator({ clock });
    const { store } = await factory.create({ clock, secretKey: KEY });
    const acme = emu.control.createIntegration('Acme');
    const wiki = await pageTree(emu, 'Wiki', 1);
    const handbook = await pageTree(emu, 'Handbook', 2);
    emu.control.unshare(handbook);
    emu.control.share(handbook, acme.id);
    const sources = [
      { name: 'wiki', page: wiki },
      { name: 'handbook', page: handbook, connection: 'acme' },
    ];
    const { engine, connectionClients } = engineOver(emu, store, clock, sources, {
      token: emu.token,
      env: { ACME_NOTION_TOKEN: acme.token },
    });

    const pulled = await engine.pull();
    expect(pulled.sources.map((s) => [s.source, s.status])).toEqual([
      ['wiki', 'ok'],
      ['handbook', 'ok'],
    ]);
    expect((await store.records.count((await store.sources.getByName('handbook'))!.id)).live).toBe(
      3,
    );
    expect(await connectionClients.client('acme')).not.toBe(await connectionClients.client());
    expect((await engine.connections.list()).map((c) => [c.name, c.status, c.sources])).toEqual([
      ['default', 'active', ['wiki']],
      ['acme', 'active', ['handbook']],
    ]);
  });

  it("init and janitor work through the source's connection; init refuses two connections at once", async () => {
    const clock = createManualClock(Date.UTC(2026, 6, 1, 9));
    const emu = await createEmulator({ clock });
    const { store } = await factory.create({ clock, secretKey: KEY });
    const acme = emu.control.createIntegration('Acme');
    // A page only Acme's integration can see: the default connection could not create under it.
    const crmHome = await pageTree(emu, 'CRM', 0);
    emu.control.unshare(crmHome);
    emu.control.share(crmHome, acme.id);
    const sources = [
      { name: 'wiki', page: emu.rootPageId },
      {
        name: 'crm',
        parent: crmHome,
        schema: { Name: 'title' as const },
        connection: 'acme',
        direction: 'both' as const,
      },
    ];
    const { engine } = engineOver(emu, store, clock, sources, {
      token: emu.token,
      env: { ACME_NOTION_TOKEN: acme.token },
    });
    const made = await engine.init(['crm']);
    expect(made.plan.sources.map((s) => s.source)).toEqual(['crm']);
    expect(made.applied).toBe(true);
    expect((await engine.pull(['crm'])).ok).toBe(true);
    const report = await engine.janitor({ dryRun: true });
    expect(report.errors).toEqual([]);

    const both = await engine.init(['crm', 'wiki']).catch((e: unknown) => e);
    expect(codeOf(both)).toBe('usage');
    expect(String((both as Error).message)).toContain('one connection at a time');
  });

  it('names what is missing: an unset tokenEnv and an unknown connection', async () => {
    const clock = createManualClock(Date.UTC(2026, 6, 1, 9));
    const emu = await createEmulator({ clock });
    const { store } = await factory.create({ clock });
    const { engine } = engineOver(emu, store, clock, [
      { name: 'a', page: emu.rootPageId, connection: 'acme' },
      { name: 'b', page: emu.rootPageId, connection: 'acmee' },
    ]);
    const pulled = await engine.pull().catch((e: unknown) => e);
    expect(codeOf(pulled)).toBe('notion_unauthorized');
    expect(String((pulled as Error).message)).toContain('ACME_NOTION_TOKEN');
    const unknown = await engine.pull(['b']).catch((e: unknown) => e);
    expect(codeOf(unknown)).toBe('connection_not_found');
    expect(String((unknown as Error).message)).toContain('did you mean "acme"');
  });

  it('refreshes an expired OAuth token once when many requests meet the 401 at once', async () => {
    const clock = createManualClock(Date.UTC(2026, 6, 1, 9));
    const emu = await createEmulator({ clock, oauth: { accessTokenLifetimeMs: LIFETIME_MS } });
    const { store } = await factory.create({ clock, secretKey: KEY });
    const wiki = await pageTree(emu, 'Wiki', 6);
    const { oauth, info, grant } = await installOAuth(emu, store, clock, wiki);
    const sources = [{ name: 'wiki', page: wiki, connection: info.name }];
    const { engine, connectionClients } = engineOver(emu, store, clock, sources, { oauth });

    expect((await engine.pull()).ok).toBe(true);
    await clock.advance(LIFETIME_MS + 1);
    const client = await connectionClients.client(info.name);
    const children = await emu.client().blocks.children.list({ block_id: wiki });
    const read = await Promise.all(
      children.results.map((c) => client.pages.retrieve({ page_id: c.id })),
    );
    expect(read).toHaveLength(6);
    const again = await engine.pull(['wiki'], { full: true });
    expect(again.sources[0]).toMatchObject({ status: 'ok' });
    const tokens = await store.connections.readTokens(info.id!);
    expect(tokens.accessToken).not.toBe(grant.accessToken);
    expect(tokens.refreshToken).not.toBe(grant.refreshToken);
    // A second refresh would have spent the rotated-out refresh token and been refused.
    expect((await engine.connections.get(info.name)).status).toBe('active');
  });

  it('refreshes before the expiry the token response gave, without waiting for a 401', async () => {
    const clock = createManualClock(Date.UTC(2026, 6, 1, 9));
    const emu = await createEmulator({
      clock,
      oauth: { accessTokenLifetimeMs: LIFETIME_MS, sendExpiresIn: true },
    });
    const { store } = await factory.create({ clock, secretKey: KEY });
    const wiki = await pageTree(emu, 'Wiki', 1);
    const { oauth, info, grant } = await installOAuth(emu, store, clock, wiki, {
      keepExpiry: true,
    });
    expect((await store.connections.get(info.id!))?.accessExpiresAt).toBe(
      new Date(clock.now() + LIFETIME_MS).toISOString(),
    );
    const sources = [{ name: 'wiki', page: wiki, connection: info.name }];
    const { engine } = engineOver(emu, store, clock, sources, { oauth });
    expect((await engine.pull()).ok).toBe(true);
    expect((await store.connections.readTokens(info.id!)).accessToken).toBe(grant.accessToken);
    // Still valid for 30 s: inside the margin, so the next request refreshes first.
    await clock.advance(LIFETIME_MS - 30_000);
    expect((await engine.pull()).ok).toBe(true);
    expect((await store.connections.readTokens(info.id!)).accessToken).not.toBe(grant.accessToken);
  });

  it('a refused refresh marks the connection reconnect and keeps every row', async () => {
    const clock = createManualClock(Date.UTC(2026, 6, 1, 9));
    const emu = await createEmulator({ clock, oauth: { accessTokenLifetimeMs: LIFETIME_MS } });
    const { store } = await factory.create({ clock, secretKey: KEY });
    const wiki = await pageTree(emu, 'Wiki', 2);
    const { oauth, info, grant } = await installOAuth(emu, store, clock, wiki);
    const { engine } = engineOver(
      emu,
      store,
      clock,
      [{ name: 'wiki', page: wiki, connection: info.name }],
      {
        oauth,
      },
    );
    expect((await engine.pull()).ok).toBe(true);
    // Someone else spends the refresh token: the stored one is rotated out.
    await oauth.refresh(grant.refreshToken!);
    await clock.advance(LIFETIME_MS + 1);

    const failed = await engine.pull(['wiki']);
    expect(failed.ok).toBe(false);
    expect((await engine.connections.get(info.name)).status).toBe('reconnect');
    const source = (await store.sources.getByName('wiki'))!;
    expect(await store.records.count(source.id)).toEqual({ live: 3, tombstoned: 0 });
  });

  it('disconnect revokes the token at Notion and marks the sources access_lost', async () => {
    const clock = createManualClock(Date.UTC(2026, 6, 1, 9));
    const emu = await createEmulator({ clock });
    const { store } = await factory.create({ clock, secretKey: KEY });
    const wiki = await pageTree(emu, 'Wiki', 1);
    const { oauth, info, grant } = await installOAuth(emu, store, clock, wiki);
    expect(info).toMatchObject({
      kind: 'oauth',
      appUser: 'u1',
      name: installationName(grant.botId),
    });
    const { engine } = engineOver(
      emu,
      store,
      clock,
      [{ name: 'wiki', page: wiki, connection: info.name }],
      {
        oauth,
      },
    );
    expect((await engine.pull()).ok).toBe(true);
    const source = (await store.sources.getByName('wiki'))!;
    expect(source.connectionId).toBe(info.id);

    const gone = await engine.connections.disconnect(info.name);
    expect(gone.status).toBe('revoked');
    expect(await store.connections.readTokens(info.id!)).toEqual({
      accessToken: null,
      refreshToken: null,
    });
    expect((await store.sources.getByName('wiki'))!.accessState).toBe('access_lost');
    expect(await store.records.count(source.id)).toEqual({ live: 2, tombstoned: 0 });
    const revoked = await emu
      .client({ token: grant.accessToken })
      .search({})
      .catch((e: unknown) => e);
    expect((revoked as { status?: number }).status).toBe(401);
    expect(codeOf(await engine.pull(['wiki']).catch((e: unknown) => e))).toBe(
      'connection_reconnect',
    );
  });
});
