import type { APIResponseError } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { createEmulator, createManualClock } from '../index.ts';
import { createDataSource, rejectionOf } from '../test-support.ts';
import { startTestReceiver } from '../webhooks/receiver-test-support.ts';

describe('control API over HTTP (/__emulator)', () => {
  it('drives the same operations as emulator.control', async () => {
    const emu = await createEmulator({ clock: createManualClock(Date.UTC(2026, 0, 1)) });
    const notion = emu.client();
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await emu.fetch(`${emu.baseUrl}/__emulator${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    const dsId = await createDataSource(notion, emu.rootPageId, { Name: { title: {} } });
    const snapshot = (await call('GET', '/snapshot')).json;
    const created = await call('POST', `/data_sources/${dsId}/pages`, {
      properties: [{ Name: { title: [{ text: { content: 'a' } }] } }, {}],
    });
    const ids = created.json.ids as string[];
    expect(ids).toHaveLength(2);
    const user = (await call('POST', '/users', { name: 'Ada', email: 'ada@example.com' })).json;
    await call('POST', '/clock', { advanceMs: 120_000 });
    await call('POST', `/pages/${ids[0]}/edit-as-user`, {
      properties: { Name: { title: [{ text: { content: 'b' } }] } },
      userId: user.id,
    });
    expect(await notion.pages.retrieve({ page_id: ids[0]! })).toMatchObject({
      last_edited_by: { id: user.id },
      last_edited_time: '2026-01-01T00:02:00.000Z',
    });
    const other = (await call('POST', '/integrations', { name: 'Other' })).json as {
      id: string;
      token: string;
    };
    const otherClient = emu.client({ token: other.token });
    expect(
      ((await rejectionOf(otherClient.pages.retrieve({ page_id: ids[0]! }))) as APIResponseError)
        .code,
    ).toBe('object_not_found');
    await call('POST', '/share', { objectId: dsId, integrationId: other.id });
    await expect(otherClient.pages.retrieve({ page_id: ids[0]! })).resolves.toMatchObject({
      id: ids[0],
    });
    await notion.pages.update({ page_id: ids[1]!, in_trash: true });
    expect((await call('POST', '/trash/empty')).json).toEqual({ deleted: 1 });
    expect((await call('GET', '/requests')).json.requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ route: 'PATCH /v1/pages/{id}', status: 200 }),
      ]),
    );
    await call('POST', '/restore', snapshot);
    const rows = await notion.dataSources.query({ data_source_id: dsId });
    expect(rows.results).toHaveLength(0);
    const bad = await call('POST', '/users', { name: 'no email' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('serves webhooks, deliveries, OAuth clients, consent and edits as a user', async () => {
    const emu = await createEmulator({ webhooks: { aggregateMs: 0 } });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await emu.fetch(`${emu.baseUrl}/__emulator${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    const receiver = await startTestReceiver();
    try {
      const sub = (
        await call('POST', '/webhooks', { url: receiver.url, eventTypes: ['page.locked'] })
      ).json;
      expect(sub).toMatchObject({ verified: false, eventTypes: ['page.locked'] });
      expect(JSON.stringify(sub)).not.toContain('secret_');
      await receiver.waitFor(1);
      const token = receiver.received[0]!.json.verification_token;
      expect(
        (await call('POST', `/webhooks/${sub.id}/verify`, { verificationToken: 'secret_no' }))
          .status,
      ).toBe(400);
      expect(
        (await call('POST', `/webhooks/${sub.id}/verify`, { verificationToken: token })).json,
      ).toMatchObject({ verified: true });
      expect((await call('GET', '/webhooks')).json.subscriptions).toHaveLength(1);
      const twin = await call('POST', '/webhooks', { url: receiver.url });
      expect(twin).toMatchObject({ status: 409, json: { error: { code: 'subscription_exists' } } });
      const edit = await call('POST', '/as-user', {
        method: 'PATCH',
        path: `/v1/pages/${emu.rootPageId}`,
        body: { is_locked: true },
      });
      expect(edit.json).toMatchObject({ status: 200, body: { object: 'page', is_locked: true } });
      const refused = await call('POST', '/as-user', {
        method: 'PATCH',
        path: `/v1/pages/${emu.rootPageId}`,
        body: { in_trash: 'yes' },
      });
      expect(refused.json).toMatchObject({
        status: 400,
        body: { object: 'error', code: 'validation_error' },
      });
      await call('POST', '/webhooks/flush');
      await receiver.waitFor(2);
      const deliveries = (await call('GET', '/webhooks/deliveries')).json.deliveries as Record<
        string,
        unknown
      >[];
      expect(deliveries.map((d) => [d.type, d.attempt, d.status, d.outcome])).toEqual([
        ['verification', 1, 200, 'delivered'],
        ['page.locked', 1, 200, 'delivered'],
      ]);
      expect((await call('DELETE', `/webhooks/${sub.id}`)).status).toBe(200);
      expect((await call('DELETE', `/webhooks/${sub.id}`)).json).toMatchObject({
        error: { code: 'subscription_not_found' },
      });
      const bad = await call('POST', '/webhooks', {
        url: 'ftp://x',
        eventTypes: ['page.exploded'],
      });
      expect(bad.status).toBe(400);
      const app = (
        await call('POST', '/oauth/clients', {
          name: 'Acme',
          redirectUris: ['http://127.0.0.1:9/cb'],
        })
      ).json;
      expect(app.clientSecret).toMatch(/^secret_/);
      expect(JSON.stringify((await call('GET', '/oauth/clients')).json)).not.toContain(
        String(app.clientSecret),
      );
      const consent = (
        await call('POST', '/oauth/consent', {
          clientId: app.clientId,
          state: 's',
          pageIds: [emu.rootPageId],
        })
      ).json;
      expect(String(consent.redirectUrl)).toMatch(
        /^http:\/\/127\.0\.0\.1:9\/cb\?code=[0-9a-f-]{36}&state=s$/,
      );
    } finally {
      await receiver.close();
    }
  });
});
