import type { APIResponseError, Client } from '@notionhq/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../shared/index.ts';
import { createEmulator, type Emulator } from './index.ts';
import { createDataSource, rejectionOf } from './test-support.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });
type Filter = Parameters<Client['dataSources']['query']>[0]['filter'];

describe('data source query language', () => {
  let emu: Emulator;
  let notion: Client;
  let dsId: string;
  let person: string;
  const clock = createManualClock(Date.UTC(2026, 2, 1, 12, 0, 0));
  const names = new Map<string, string>();

  beforeAll(async () => {
    emu = await createEmulator({ clock });
    notion = emu.client();
    person = emu.control.createUser({ name: 'Ada', email: 'ada@example.com' }).id;
    dsId = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      N: { number: {} },
      Kind: { select: { options: [{ name: 'bug' }, { name: 'feature' }] } },
      Tags: { multi_select: { options: [{ name: 'x' }, { name: 'y' }] } },
      Due: { date: {} },
      Done: { checkbox: {} },
      Owner: { people: {} },
      Site: { url: {} },
    });
    const rows = [
      {
        Name: title('Alpha bug'),
        N: { number: 3 },
        Kind: { select: { name: 'bug' } },
        Tags: { multi_select: [{ name: 'x' }] },
        Due: { date: { start: '2026-03-05' } },
        Done: { checkbox: true },
        Owner: { people: [{ id: person }] },
      },
      {
        Name: title('beta feature'),
        N: { number: 1 },
        Kind: { select: { name: 'feature' } },
        Tags: { multi_select: [{ name: 'x' }, { name: 'y' }] },
        Due: { date: { start: '2026-02-10T08:30:00Z' } },
      },
      { Name: title('Gamma'), N: { number: 2 }, Site: { url: 'https://example.com' } },
      { Name: title('delta bug') },
    ];
    for (const row of rows) {
      const [id] = emu.control.bulkCreatePages(dsId, [row]);
      names.set(id!, row.Name.title[0]!.text.content);
      await clock.advance(60_000);
    }
  });

  const run = async (
    filter?: Filter,
    sorts?: Parameters<Client['dataSources']['query']>[0]['sorts'],
  ) => {
    const result = await notion.dataSources.query({
      data_source_id: dsId,
      ...(filter ? { filter } : {}),
      ...(sorts ? { sorts } : {}),
    });
    return result.results.map((r) => names.get(r.id));
  };

  it.each<[string, Filter, string[]]>([
    [
      'text contains is case-insensitive',
      { property: 'Name', title: { contains: 'BUG' } },
      ['Alpha bug', 'delta bug'],
    ],
    ['text starts_with', { property: 'Name', rich_text: { starts_with: 'gam' } }, ['Gamma']],
    ['number', { property: 'N', number: { greater_than_or_equal_to: 2 } }, ['Alpha bug', 'Gamma']],
    ['number is_empty', { property: 'N', number: { is_empty: true } }, ['delta bug']],
    ['select equals', { property: 'Kind', select: { equals: 'feature' } }, ['beta feature']],
    ['select is_empty', { property: 'Kind', select: { is_empty: true } }, ['Gamma', 'delta bug']],
    [
      'multi_select contains',
      { property: 'Tags', multi_select: { contains: 'y' } },
      ['beta feature'],
    ],
    ['date on_or_after', { property: 'Due', date: { on_or_after: '2026-03-01' } }, ['Alpha bug']],
    [
      'date before a datetime',
      { property: 'Due', date: { before: '2026-02-10T09:00:00Z' } },
      ['beta feature'],
    ],
    [
      'checkbox',
      { property: 'Done', checkbox: { equals: false } },
      ['beta feature', 'Gamma', 'delta bug'],
    ],
    ['people contains', { property: 'Owner', people: { contains: 'PERSON' } }, ['Alpha bug']],
    ['url is_not_empty', { property: 'Site', url: { is_not_empty: true } }, ['Gamma']],
    [
      'created_time timestamp',
      { timestamp: 'created_time', created_time: { on_or_after: '2026-03-01T12:02:00.000Z' } },
      ['Gamma', 'delta bug'],
    ],
    [
      'compound',
      {
        or: [
          { property: 'N', number: { equals: 1 } },
          {
            and: [
              { property: 'Name', title: { contains: 'bug' } },
              { property: 'Done', checkbox: { equals: false } },
            ],
          },
        ],
      },
      ['beta feature', 'delta bug'],
    ],
  ])('%s', async (_, filter, expected) => {
    const withPerson = JSON.parse(JSON.stringify(filter).replace('PERSON', person)) as Filter;
    expect(await run(withPerson)).toEqual(expected);
  });

  it('sorts with empties last and earlier sorts taking precedence', async () => {
    expect(await run(undefined, [{ property: 'N', direction: 'ascending' }])).toEqual([
      'beta feature',
      'Gamma',
      'Alpha bug',
      'delta bug',
    ]);
    expect(await run(undefined, [{ property: 'N', direction: 'descending' }])).toEqual([
      'Alpha bug',
      'Gamma',
      'beta feature',
      'delta bug',
    ]);
    expect(
      await run(undefined, [
        { property: 'Kind', direction: 'ascending' },
        { timestamp: 'created_time', direction: 'descending' },
      ]),
    ).toEqual(['Alpha bug', 'beta feature', 'delta bug', 'Gamma']);
  });

  it('pages through with opaque cursors without gaps or duplicates, and trims filter_properties', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await notion.dataSources.query({
        data_source_id: dsId,
        page_size: 3,
        filter_properties: ['title'],
        ...(cursor ? { start_cursor: cursor } : {}),
      });
      for (const r of page.results) {
        seen.push(r.id);
        expect(Object.keys((r as { properties: object }).properties)).toEqual(['Name']);
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(4);
    const tooBig = await rejectionOf(
      notion.dataSources.query({ data_source_id: dsId, page_size: 101 }),
    );
    expect((tooBig as APIResponseError).code).toBe('validation_error');
  });

  it('rejects unknown properties and mismatched filter types', async () => {
    for (const filter of [
      { property: 'Nope', number: { equals: 1 } },
      { property: 'N', title: { contains: 'x' } },
      { property: 'N', number: { near: 1 } },
    ]) {
      const error = await rejectionOf(
        notion.dataSources.query({ data_source_id: dsId, filter: filter as never }),
      );
      expect((error as APIResponseError).code).toBe('validation_error');
    }
  });

  it('searches titles over pages and data sources', async () => {
    const pages = await notion.search({
      query: 'bug',
      filter: { property: 'object', value: 'page' },
    });
    expect(pages.results.map((r) => names.get(r.id)).sort()).toEqual(['Alpha bug', 'delta bug']);
    const sources = await notion.search({
      query: 'table',
      filter: { property: 'object', value: 'data_source' },
    });
    expect(sources.results.map((r) => r.id)).toEqual([dsId]);
  });
});
