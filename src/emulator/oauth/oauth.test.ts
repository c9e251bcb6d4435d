// OAuth for public integrations (notion-api.md §9) through the SDK's oauth.* methods: consent
// without a browser, code exchange, the installation's visibility, rotation of refresh tokens,
// code expiry and token lifetime on the manual clock, and what the SDK makes of each error.

import {
  APIResponseError,
  type Client,
  isNotionClientError,
  UnknownHTTPResponseError,
} from '@notionhq/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, createManualClock, type Emulator, type ManualClock } from '../index.ts';
import { rejectionOf } from '../test-support.ts';
import { CODE_LIFETIME_MS } from './grants.ts';

const REDIRECT = 'http://127.0.0.1:9/callback';
let clock: ManualClock;
let emu: Emulator;
let sdk: Client;
let client: { clientId: string; clientSecret: string };
let pages: { a: string; b: string; aChild: string; c: string };

async function page(parentId: string, name: string): Promise<string> {
  const created = await emu.client().pages.create({
    parent: { page_id: parentId },
    properties: { title: { title: [{ text: { content: name } }] } },
  });
  return created.id;
}

beforeEach(async () => {
  clock = createManualClock(Date.UTC(2026, 0, 1));
  emu = await createEmulator({ clock, oauth: { accessTokenLifetimeMs: 3_600_000 } });
  sdk = emu.client();
  client = emu.control.oauth.registerClient({ name: 'Acme app', redirectUris: [REDIRECT] });
  const a = await page(emu.rootPageId, 'Alpha');
  pages = {
    a,
    b: await page(emu.rootPageId, 'Beta'),
    aChild: await page(a, 'Alpha child'),
    c: await page(emu.rootPageId, 'Gamma'),
  };
});

function consent(pageIds: string[], state = 'xyz') {
  const answer = emu.control.oauth.consent({
    clientId: client.clientId,
    redirectUri: REDIRECT,
    state,
    pageIds,
  });
  const url = new URL(answer.redirectUrl);
  return { url, code: url.searchParams.get('code') ?? '' };
}

const exchange = (code: string, redirectUri = REDIRECT, secret = client.clientSecret) =>
  sdk.oauth.token({
    client_id: client.clientId,
    client_secret: secret,
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
  });

const refresh = (token: string) =>
  sdk.oauth.token({
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_type: 'refresh_token',
    refresh_token: token,
  });

async function searchIds(token: string): Promise<string[]> {
  const found = await emu.client({ token }).search({});
  return found.results.map((r) => r.id).sort();
}

describe('OAuth for public integrations', () => {
  it('exchanges a consented code for an installation that sees exactly the picked pages', async () => {
    const { url, code } = consent([pages.a, pages.b]);
    expect(url.origin + url.pathname).toBe(REDIRECT);
    expect(url.searchParams.get('state')).toBe('xyz');
    const grant = await exchange(code);
    expect(grant).toMatchObject({
      token_type: 'bearer',
      workspace_id: emu.workspaceId,
      workspace_name: 'Emulated workspace',
      workspace_icon: null,
      duplicated_template_id: null,
      owner: { type: 'user', user: { object: 'user', type: 'person' } },
    });
    expect(Object.keys(grant).sort()).toEqual(
      [
        'access_token',
        'token_type',
        'refresh_token',
        'bot_id',
        'workspace_name',
        'workspace_icon',
        'workspace_id',
        'owner',
        'duplicated_template_id',
        'request_id',
      ].sort(),
    );
    expect(grant.refresh_token).toMatch(/^nrt_/);
    expect(await searchIds(grant.access_token)).toEqual([pages.a, pages.aChild, pages.b].sort());
    const me = await emu.client({ token: grant.access_token }).users.me({});
    expect(me).toMatchObject({ id: grant.bot_id, type: 'bot', bot: { owner: { type: 'user' } } });
    const denied = await rejectionOf(
      emu.client({ token: grant.access_token }).pages.retrieve({ page_id: pages.c }),
    );
    expect((denied as APIResponseError).code).toBe('object_not_found');
  });

  it('rotates refresh tokens: the old one is refused, and of two concurrent refreshes one wins', async () => {
    const first = await exchange(consent([pages.a]).code);
    const second = await refresh(first.refresh_token!);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.bot_id).toBe(first.bot_id);
    const reused = await rejectionOf(refresh(first.refresh_token!));
    expect(reused).toBeInstanceOf(UnknownHTTPResponseError);
    expect((reused as UnknownHTTPResponseError).status).toBe(400);
    expect(JSON.parse((reused as UnknownHTTPResponseError).body)).toMatchObject({
      object: 'error',
      status: 400,
      code: 'invalid_grant',
    });
    expect(await searchIds(second.access_token)).toEqual([pages.a, pages.aChild].sort());
    const old = await rejectionOf(emu.client({ token: first.access_token }).users.me({}));
    expect((old as APIResponseError).code).toBe('unauthorized');
    const race = await Promise.allSettled([
      refresh(second.refresh_token!),
      refresh(second.refresh_token!),
    ]);
    expect(race.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('makes codes single-use, 10-minute, tied to their redirect_uri', async () => {
    const once = consent([pages.a]).code;
    await exchange(once);
    const reused = await rejectionOf(exchange(once));
    expect(JSON.parse((reused as UnknownHTTPResponseError).body).code).toBe('invalid_grant');
    const late = consent([pages.a]).code;
    await clock.advance(CODE_LIFETIME_MS);
    expect(
      JSON.parse(((await rejectionOf(exchange(late))) as UnknownHTTPResponseError).body).code,
    ).toBe('invalid_grant');
    const elsewhere = consent([pages.a]).code;
    const mismatch = await rejectionOf(exchange(elsewhere, 'http://127.0.0.1:9/other'));
    expect(JSON.parse((mismatch as UnknownHTTPResponseError).body).code).toBe('invalid_grant');
  });

  it('refuses consent for an unknown client or an unregistered redirect_uri, and redirects a refusal', () => {
    expect(() => emu.control.oauth.consent({ clientId: emu.integrationId, pageIds: [] })).toThrow(
      /client_id/,
    );
    expect(() =>
      emu.control.oauth.consent({
        clientId: client.clientId,
        redirectUri: 'https://evil.example/cb',
        pageIds: [],
      }),
    ).toThrow(/redirect_uri/);
    const denied = emu.control.oauth.consent({
      clientId: client.clientId,
      redirectUri: REDIRECT,
      state: 's1',
      pageIds: [],
      decision: 'deny',
    });
    expect(denied.redirectUrl).toBe(`${REDIRECT}?error=access_denied&state=s1`);
  });

  it('expires access tokens after the configured lifetime (401) and sends no expires_in by default', async () => {
    const grant = await exchange(consent([pages.a]).code);
    expect('expires_in' in grant).toBe(false);
    await clock.advance(3_600_000 - 1);
    await expect(emu.client({ token: grant.access_token }).users.me({})).resolves.toMatchObject({
      id: grant.bot_id,
    });
    await clock.advance(1);
    const expired = await rejectionOf(emu.client({ token: grant.access_token }).users.me({}));
    expect((expired as APIResponseError).status).toBe(401);
    const renewed = await refresh(grant.refresh_token!);
    await expect(emu.client({ token: renewed.access_token }).users.me({})).resolves.toBeTruthy();
    const withExpiry = await createEmulator({
      clock,
      oauth: { accessTokenLifetimeMs: 60_000, sendExpiresIn: true },
    });
    const acme = withExpiry.control.oauth.registerClient({ name: 'A', redirectUris: [REDIRECT] });
    const code = withExpiry.control.oauth.consent({ clientId: acme.clientId, pageIds: [] }).code!;
    const token = await withExpiry.client().oauth.token({
      client_id: acme.clientId,
      client_secret: acme.clientSecret,
      grant_type: 'authorization_code',
      code,
    });
    expect((token as unknown as { expires_in: number }).expires_in).toBe(60);
  });

  it('introspects and revokes', async () => {
    const grant = await exchange(consent([pages.a]).code);
    const auth = { client_id: client.clientId, client_secret: client.clientSecret };
    expect(await sdk.oauth.introspect({ ...auth, token: grant.access_token })).toMatchObject({
      active: true,
      iat: Math.floor(Date.UTC(2026, 0, 1) / 1000),
    });
    expect(await sdk.oauth.revoke({ ...auth, token: grant.access_token })).toMatchObject({});
    expect(await sdk.oauth.introspect({ ...auth, token: grant.access_token })).toMatchObject({
      active: false,
    });
    expect(
      JSON.parse(
        ((await rejectionOf(refresh(grant.refresh_token!))) as UnknownHTTPResponseError).body,
      ).code,
    ).toBe('invalid_grant');
  });
});

describe('what the SDK turns OAuth errors into (what a client must catch)', () => {
  it('invalid_client and invalid_grant: UnknownHTTPResponseError (codes unknown to SDK 5.26); invalid_request: APIResponseError', async () => {
    const wrongSecret = await rejectionOf(exchange(consent([]).code, REDIRECT, 'secret_wrong'));
    expect(wrongSecret).toBeInstanceOf(UnknownHTTPResponseError);
    expect(isNotionClientError(wrongSecret)).toBe(true);
    expect(wrongSecret).toMatchObject({ code: 'notionhq_client_response_error', status: 401 });
    expect(JSON.parse((wrongSecret as UnknownHTTPResponseError).body)).toMatchObject({
      object: 'error',
      status: 401,
      code: 'invalid_client',
    });
    const unknownClient = await rejectionOf(
      sdk.oauth.token({
        client_id: emu.integrationId,
        client_secret: 'x',
        grant_type: 'authorization_code',
        code: 'c',
      }),
    );
    expect(JSON.parse((unknownClient as UnknownHTTPResponseError).body).code).toBe(
      'invalid_client',
    );
    const badGrant = await rejectionOf(exchange('not-a-code'));
    expect(badGrant).toMatchObject({ code: 'notionhq_client_response_error', status: 400 });
    const missing = await rejectionOf(
      sdk.oauth.token({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        grant_type: 'authorization_code',
      } as never),
    );
    expect(missing).toBeInstanceOf(APIResponseError);
    expect(missing).toMatchObject({ code: 'invalid_request', status: 400 });
  });
});
