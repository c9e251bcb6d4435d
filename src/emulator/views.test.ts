import type { APIResponseError, Client } from '@notionhq/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from './index.ts';
import { rejectionOf } from './test-support.ts';

describe('views', () => {
  let emu: Emulator;
  let notion: Client;
  let databaseId: string;
  let dataSourceId: string;

  beforeEach(async () => {
    emu = await createEmulator();
    notion = emu.client();
    const db = await notion.databases.create({
      parent: { type: 'page_id', page_id: emu.rootPageId },
      title: [{ text: { content: 'Tracked' } }],
      initial_data_source: { properties: { Name: { title: {} }, N: { number: {} } } },
    });
    databaseId = db.id;
    dataSourceId = ('data_sources' in db ? db.data_sources[0]?.id : undefined) ?? '';
    emu.control.bulkCreatePages(
      dataSourceId,
      [5, 1, 9, 3].map((n) => ({
        Name: { title: [{ text: { content: `n${n}` } }] },
        N: { number: n },
      })),
    );
  });

  it('lists the default view, creates, updates and deletes views', async () => {
    const initial = await notion.views.list({ database_id: databaseId });
    expect(initial.results).toHaveLength(1);
    const view = await notion.views.create({
      data_source_id: dataSourceId,
      database_id: databaseId,
      name: 'Big',
      type: 'table',
    });
    expect(view).toMatchObject({
      object: 'view',
      name: 'Big',
      parent: { database_id: databaseId },
    });
    const renamed = await notion.views.update({ view_id: view.id, name: 'Large' });
    expect(renamed).toMatchObject({ name: 'Large' });
    expect((await notion.views.list({ data_source_id: dataSourceId })).results).toHaveLength(2);
    await notion.views.delete({ view_id: view.id });
    const gone = await rejectionOf(notion.views.retrieve({ view_id: view.id }));
    expect((gone as APIResponseError).code).toBe('object_not_found');
    const badFilter = await rejectionOf(
      notion.views.create({
        data_source_id: dataSourceId,
        name: 'x',
        type: 'table',
        filter: { property: 'Nope', number: { equals: 1 } } as never,
      }),
    );
    expect((badFilter as APIResponseError).code).toBe('validation_error');
  });

  it('runs a view query with the view filter and sorts, paginated', async () => {
    const view = await notion.views.create({
      data_source_id: dataSourceId,
      name: 'Over 2',
      type: 'table',
      filter: { property: 'N', number: { greater_than: 2 } } as never,
      sorts: [{ property: 'N', direction: 'ascending' }] as never,
    });
    const query = await notion.views.queries.create({ view_id: view.id, page_size: 2 });
    expect(query).toMatchObject({ object: 'view_query', total_count: 3, has_more: true });
    const rest = await notion.views.queries.results({
      view_id: view.id,
      query_id: query.id,
      start_cursor: query.next_cursor ?? '',
    });
    const ids = [...query.results, ...rest.results].map((r) => r.id);
    const names = await Promise.all(
      ids.map(async (id) => {
        const page = (await notion.pages.retrieve({ page_id: id })) as unknown as {
          properties: { N: { number: number } };
        };
        return page.properties.N.number;
      }),
    );
    expect(names).toEqual([3, 5, 9]);
    await notion.views.queries.delete({ view_id: view.id, query_id: query.id });
    const closed = await rejectionOf(
      notion.views.queries.results({ view_id: view.id, query_id: query.id }),
    );
    expect((closed as APIResponseError).code).toBe('object_not_found');
  });
});
