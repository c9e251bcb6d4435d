// The whole OAuth dance in a real browser: the emulator's consent page served on a socket,
// two pages picked, Allow access, the redirect to an app's callback (a real HTTP server)
// with code and state, the token exchange, and what the installation's token can see.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UnknownHTTPResponseError } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChromiumSession,
  chromiumAvailable,
  launchChromium,
} from '../../shared/test-support/chromium.ts';
import { createEmulator, type Emulator, type RunningServer } from '../index.ts';
import { rejectionOf } from '../test-support.ts';

describe.skipIf(!chromiumAvailable())('OAuth consent page in Chromium', () => {
  let emu: Emulator;
  let server: RunningServer;
  let app: Server;
  let callbackUrl: string;
  let browser: ChromiumSession;
  let client: { clientId: string; clientSecret: string };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    emu = await createEmulator();
    server = await emu.listen({ port: 0 });
    app = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end('connected'),
    );
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/oauth/callback`;
    client = emu.control.oauth.registerClient({ name: 'Acme app', redirectUris: [callbackUrl] });
    const notion = emu.client();
    for (const [name, parent] of [
      ['Alpha', 'root'],
      ['Beta', 'root'],
      ['Gamma', 'root'],
      ['Alpha child', 'Alpha'],
    ] as const) {
      const created = await notion.pages.create({
        parent: { page_id: parent === 'root' ? emu.rootPageId : ids[parent]! },
        properties: { title: { title: [{ text: { content: name } }] } },
      });
      ids[name] = created.id;
    }
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => app?.close(resolve));
  });

  const authorizeUrl = (state: string) =>
    `${server.baseUrl}/v1/oauth/authorize?${new URLSearchParams({
      client_id: client.clientId,
      response_type: 'code',
      owner: 'user',
      redirect_uri: callbackUrl,
      state,
    })}`;

  it('picks two pages, allows access, and the token sees those pages and nothing else', async () => {
    const page = await browser.newPage();
    await page.goto(authorizeUrl('st-123'));
    await expect(page.title()).resolves.toContain('Acme app');
    await page.getByLabel('Alpha', { exact: true }).check();
    await page.getByLabel('Beta', { exact: true }).check();
    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(callbackUrl)),
      page.getByRole('button', { name: 'Allow access' }).click(),
    ]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('st-123');
    const code = landed.searchParams.get('code');
    expect(code).toBeTruthy();
    expect(await page.textContent('body')).toBe('connected');

    const sdk = emu.client();
    const auth = { client_id: client.clientId, client_secret: client.clientSecret };
    const grant = await sdk.oauth.token({
      ...auth,
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: callbackUrl,
    });
    const seen = await emu.client({ token: grant.access_token }).search({});
    expect(seen.results.map((r) => r.id).sort()).toEqual(
      [ids.Alpha!, ids.Beta!, ids['Alpha child']!].sort(),
    );
    const rotated = await sdk.oauth.token({
      ...auth,
      grant_type: 'refresh_token',
      refresh_token: grant.refresh_token!,
    });
    expect(rotated.refresh_token).not.toBe(grant.refresh_token);
    const old = await rejectionOf(
      sdk.oauth.token({
        ...auth,
        grant_type: 'refresh_token',
        refresh_token: grant.refresh_token!,
      }),
    );
    expect(JSON.parse((old as UnknownHTTPResponseError).body).code).toBe('invalid_grant');
    await page.close();
  });

  it('redirects Cancel as error=access_denied with the same state', async () => {
    const page = await browser.newPage();
    await page.goto(authorizeUrl('st-456'));
    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(callbackUrl)),
      page.getByRole('button', { name: 'Cancel' }).click(),
    ]);
    const landed = new URL(page.url());
    expect(Object.fromEntries(landed.searchParams)).toEqual({
      error: 'access_denied',
      state: 'st-456',
    });
    await page.close();
  });
});
