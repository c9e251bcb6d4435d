import type { APIResponseError } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { createEmulator, createManualClock } from './index.ts';
import { createDataSource, rejectionOf } from './test-support.ts';

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
});
