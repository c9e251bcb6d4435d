import { APIResponseError, type Client } from '@notionhq/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../shared/index.ts';
import { createEmulator, type Emulator } from './index.ts';

async function makeTasks(notion: Client, parentId: string) {
  const db = await notion.databases.create({
    parent: { type: 'page_id', page_id: parentId },
    title: [{ text: { content: 'Tasks' } }],
    initial_data_source: {
      properties: {
        Name: { title: {} },
        Points: { number: {} },
        Tag: { select: { options: [{ name: 'red' }] } },
        Key: { unique_id: { prefix: 'T' } },
        Double: { formula: { expression: 'if(prop("Points") > 2, prop("Points") * 2, 0)' } },
      },
    },
  });
  if (!('data_sources' in db)) throw new Error('expected a full database');
  return db.data_sources[0]!.id;
}

describe('emulator basics through @notionhq/client', () => {
  let emu: Emulator;
  let notion: Client;
  const clock = createManualClock(Date.UTC(2026, 0, 1, 9, 8, 57, 778));

  beforeEach(async () => {
    emu = await createEmulator({ clock });
    notion = emu.client();
  });

  it('creates a page with children and reads it back in Notion shapes', async () => {
    const page = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: { title: [{ text: { content: 'Hello' } }] } },
      children: [{ paragraph: { rich_text: [{ text: { content: 'para' } }] } }],
    });
    const read = await notion.pages.retrieve({ page_id: page.id });
    expect(read).toMatchObject({
      object: 'page',
      created_time: '2026-01-01T09:08:00.000Z',
      in_trash: false,
      parent: { type: 'page_id', page_id: emu.rootPageId },
      created_by: { object: 'user', id: emu.integrationId },
    });
    expect('archived' in read).toBe(false);
    const children = await notion.blocks.children.list({ block_id: page.id });
    expect(children.results.map((b) => ('type' in b ? b.type : ''))).toEqual(['paragraph']);
  });

  it('queries a data source with filter, sort, unique ids and formulas', async () => {
    const dsId = await makeTasks(notion, emu.rootPageId);
    for (const points of [1, 3, 5]) {
      await notion.pages.create({
        parent: { data_source_id: dsId },
        properties: {
          Name: { title: [{ text: { content: `p${points}` } }] },
          Points: { number: points },
        },
      });
    }
    const result = await notion.dataSources.query({
      data_source_id: dsId,
      filter: { property: 'Points', number: { greater_than: 2 } },
      sorts: [{ property: 'Points', direction: 'descending' }],
    });
    const rows = result.results.map((r) => ('properties' in r ? r.properties : {}));
    expect(rows.map((p) => (p.Points as { number: number }).number)).toEqual([5, 3]);
    expect(rows[0]?.Double).toMatchObject({ formula: { type: 'number', number: 10 } });
    expect(rows[0]?.Key).toMatchObject({ unique_id: { prefix: 'T', number: 3 } });
  });

  it('answers unknown ids with object_not_found naming the integration', async () => {
    const error = await notion.pages
      .retrieve({ page_id: '00000000-0000-0000-0000-000000000000' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIResponseError);
    expect((error as APIResponseError).code).toBe('object_not_found');
    expect((error as APIResponseError).body).toContain(emu.integrationId);
  });
});

describe('createEmulator({ seed: "demo" })', () => {
  it('seeds the demo workspace and reset() returns to it', async () => {
    const emu = await createEmulator({
      seed: 'demo',
      rateLimit: { requestsPerSecond: 3, burst: 10 },
    });
    const notion = emu.client();
    const sources = await notion.search({ filter: { property: 'object', value: 'data_source' } });
    const names = sources.results.map((r) =>
      'title' in r ? r.title.map((t) => t.plain_text).join('') : '',
    );
    expect(names.sort()).toEqual(['Projects', 'Tasks']);
    expect(emu.control.requestLog()).toHaveLength(1);
    const extra = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: {},
    });
    emu.control.reset();
    const gone = await notion.pages.retrieve({ page_id: extra.id }).catch((e: unknown) => e);
    expect((gone as APIResponseError).code).toBe('object_not_found');
    const again = await notion.search({ filter: { property: 'object', value: 'data_source' } });
    expect(again.results).toHaveLength(2);
  });
});
