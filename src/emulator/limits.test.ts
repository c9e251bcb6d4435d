import { APIResponseError, type Client, collectAllDataSourceRows } from '@notionhq/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, createManualClock, type Emulator } from './index.ts';
import { createDataSource, rejectionOf } from './test-support.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });

describe('query cap, truncation and size limits', () => {
  let emu: Emulator;
  let notion: Client;

  beforeAll(async () => {
    emu = await createEmulator();
    notion = emu.client();
  });

  it('stops a plain cursor loop at exactly 10,000 rows with request_status incomplete', async () => {
    const dsId = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      N: { number: {} },
    });
    emu.control.bulkCreatePages(
      dsId,
      Array.from({ length: 10_050 }, (_, i) => ({ Name: title(`row ${i}`), N: { number: i } })),
    );
    let seen = 0;
    let cursor: string | undefined;
    let last: Awaited<ReturnType<Client['dataSources']['query']>> | undefined;
    do {
      last = await notion.dataSources.query({
        data_source_id: dsId,
        page_size: 100,
        ...(cursor ? { start_cursor: cursor } : {}),
      });
      seen += last.results.length;
      cursor = last.next_cursor ?? undefined;
    } while (last.has_more);
    expect(seen).toBe(10_000);
    expect(last.has_more).toBe(false);
    expect((last as { request_status?: unknown }).request_status).toEqual({
      type: 'incomplete',
      incomplete_reason: 'query_result_limit_reached',
    });
    const windowed = await notion.dataSources.query({
      data_source_id: dsId,
      filter: { property: 'N', number: { greater_than_or_equal_to: 10_000 } },
    });
    expect(windowed.results).toHaveLength(50);
    expect((windowed as { request_status?: unknown }).request_status).toBeUndefined();
  });

  it('lets the SDK collect past the cap by windowing on minute-rounded created_time', async () => {
    const clock = createManualClock(Date.UTC(2026, 4, 1, 8, 0, 30));
    const windowed = await createEmulator({ clock });
    const client = windowed.client();
    const dsId = await createDataSource(client, windowed.rootPageId, { Name: { title: {} } });
    for (let minute = 0; minute < 3; minute += 1) {
      windowed.control.bulkCreatePages(
        dsId,
        Array.from({ length: 4_000 }, (_, i) => ({ Name: title(`${minute}-${i}`) })),
      );
      await clock.advance(60_000);
    }
    const rows = await collectAllDataSourceRows(client, { data_source_id: dsId });
    expect(new Set(rows.map((r) => r.id)).size).toBe(12_000);
  });

  it('shows 25 relations plus has_more on the page and all 30 through the property item endpoint', async () => {
    const targets = await createDataSource(
      notion,
      emu.rootPageId,
      { Name: { title: {} } },
      'Targets',
    );
    const targetIds = emu.control.bulkCreatePages(
      targets,
      Array.from({ length: 30 }, (_, i) => ({ Name: title(`t${i}`) })),
    );
    const sources = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      Links: { relation: { data_source_id: targets, single_property: {} } },
    });
    const page = await notion.pages.create({
      parent: { data_source_id: sources },
      properties: { Name: title('many'), Links: { relation: targetIds.map((id) => ({ id })) } },
    });
    const links = (
      page as unknown as {
        properties: Record<string, { relation: unknown[]; has_more: boolean; id: string }>;
      }
    ).properties.Links!;
    expect(links.relation).toHaveLength(25);
    expect(links.has_more).toBe(true);
    const ids: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const item = await notion.pages.properties.retrieve({
        page_id: page.id,
        property_id: links.id,
        page_size: 10,
        ...(cursor ? { start_cursor: cursor } : {}),
      });
      if (item.object !== 'list') throw new Error('expected a property item list');
      if (item.has_more)
        expect(item.property_item.next_url).toMatch(/^http:\/\/notion\.emulator\/v1\/pages\//);
      for (const r of item.results) if (r.type === 'relation') ids.push(r.relation.id);
      if (!item.has_more) break;
      cursor = item.next_cursor ?? undefined;
    }
    expect(ids).toEqual(targetIds);
  });

  it('shows 25 people and 25 mentions on the page, and all of them through the property item endpoint', async () => {
    const people = Array.from(
      { length: 30 },
      (_, i) => emu.control.createUser({ name: `P${i}`, email: `p${i}@example.com` }).id,
    );
    const dsId = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      Who: { people: {} },
      Notes: { rich_text: {} },
    });
    const mentions = people.map((id) => ({ type: 'mention' as const, mention: { user: { id } } }));
    const page = await notion.pages.create({
      parent: { data_source_id: dsId },
      properties: {
        Who: { people: people.map((id) => ({ id })) },
        Notes: { rich_text: [{ text: { content: 'cc ' } }, ...mentions] },
      },
    });
    const props = (
      page as unknown as {
        properties: Record<string, { id: string; people?: unknown[]; rich_text?: unknown[] }>;
      }
    ).properties;
    expect(props.Who!.people).toHaveLength(25);
    expect(props.Notes!.rich_text).toHaveLength(26);
    const all = await notion.pages.properties.retrieve({
      page_id: page.id,
      property_id: props.Who!.id,
    });
    expect(all.object === 'list' && all.results).toHaveLength(30);
    const notes = await notion.pages.properties.retrieve({
      page_id: page.id,
      property_id: props.Notes!.id,
    });
    expect(notes.object === 'list' && notes.results).toHaveLength(31);
  });

  it('rolls up over 25 relations in page objects and over all through the property item endpoint', async () => {
    const targets = await createDataSource(
      notion,
      emu.rootPageId,
      { Name: { title: {} } },
      'Counted',
    );
    const targetIds = emu.control.bulkCreatePages(
      targets,
      Array.from({ length: 30 }, () => ({})),
    );
    const sources = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      Links: { relation: { data_source_id: targets, single_property: {} } },
    });
    await notion.dataSources.update({
      data_source_id: sources,
      properties: {
        Linked: {
          rollup: {
            relation_property_name: 'Links',
            rollup_property_name: 'Name',
            function: 'count',
          },
        },
      },
    });
    const page = await notion.pages.create({
      parent: { data_source_id: sources },
      properties: { Links: { relation: targetIds.map((id) => ({ id })) } },
    });
    const linked = (
      page as unknown as { properties: Record<string, { id: string; rollup: unknown }> }
    ).properties.Linked!;
    expect(linked.rollup).toMatchObject({ type: 'number', number: 25 });
    const item = await notion.pages.properties.retrieve({
      page_id: page.id,
      property_id: linked.id,
    });
    expect(item).toMatchObject({
      property_item: { type: 'rollup', rollup: { type: 'number', number: 30 } },
    });
  });

  it('truncates page Markdown past 20,000 blocks and names the left-out blocks for a follow-up', async () => {
    const page = await notion.pages.create({ parent: { page_id: emu.rootPageId }, properties: {} });
    const batch = (from: number) =>
      Array.from({ length: 100 }, (_, i) => ({
        paragraph: { rich_text: [{ text: { content: `p${from + i}` } }] },
      }));
    for (let start = 0; start < 20_100; start += 100) {
      await notion.blocks.children.append({ block_id: page.id, children: batch(start) });
    }
    const answer = await notion.pages.retrieveMarkdown({ page_id: page.id });
    expect(answer.truncated).toBe(true);
    expect(answer.unknown_block_ids).toHaveLength(100);
    expect(answer.markdown.split('\n')).toHaveLength(20_000);
    const rest = await notion.pages.retrieveMarkdown({ page_id: answer.unknown_block_ids[0]! });
    expect(rest).toMatchObject({ markdown: 'p20000', truncated: false });
  });

  it('rejects a filter nested three levels deep with validation_error', async () => {
    const dsId = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      N: { number: {} },
    });
    const leaf = { property: 'N', number: { equals: 1 } };
    const twoLevels = { and: [{ or: [leaf, leaf] }, leaf] };
    await expect(
      notion.dataSources.query({ data_source_id: dsId, filter: twoLevels }),
    ).resolves.toBeDefined();
    const error = await rejectionOf(
      notion.dataSources.query({
        data_source_id: dsId,
        filter: { and: [{ or: [{ and: [leaf, leaf] }] }] } as never,
      }),
    );
    expect(error).toBeInstanceOf(APIResponseError);
    expect((error as APIResponseError).code).toBe('validation_error');
  });

  it('accepts 2,000 characters of text and rejects 2,001 with validation_error', async () => {
    const ok = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: title('x'.repeat(2000)) },
    });
    expect(ok.id).toBeTruthy();
    const error = await rejectionOf(
      notion.pages.create({
        parent: { page_id: emu.rootPageId },
        properties: { title: title('x'.repeat(2001)) },
      }),
    );
    expect((error as APIResponseError).code).toBe('validation_error');
    expect((error as APIResponseError).message).toContain('should be ≤ `2000`, instead was `2001`');
  });

  it('rejects 101 children, a third nesting level, and leaves nothing half-written', async () => {
    const page = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: title('p') },
    });
    const paragraph = { paragraph: { rich_text: [{ text: { content: 'x' } }] } };
    const tooMany = await rejectionOf(
      notion.blocks.children.append({
        block_id: page.id,
        children: Array.from({ length: 101 }, () => paragraph),
      }),
    );
    expect((tooMany as APIResponseError).code).toBe('validation_error');
    const deep = {
      toggle: {
        rich_text: [],
        children: [
          {
            toggle: {
              rich_text: [],
              children: [{ toggle: { rich_text: [], children: [paragraph] } }],
            },
          },
        ],
      },
    };
    const tooDeep = await rejectionOf(
      notion.blocks.children.append({ block_id: page.id, children: [deep as never] }),
    );
    expect((tooDeep as APIResponseError).code).toBe('validation_error');
    const children = await notion.blocks.children.list({ block_id: page.id });
    expect(children.results).toHaveLength(0);
  });
});
