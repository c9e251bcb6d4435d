import {
  type Client,
  collectPaginatedAPI,
  isFullBlock,
  isFullPage,
  type PageObjectResponse,
} from '@notionhq/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator.ts';
import { type DemoWorkspace, seedDemoWorkspace } from './seed-demo.ts';

type PropertyValue = PageObjectResponse['properties'][string];

async function seeded(options: { taskCount?: number; seed?: number } = {}) {
  const emulator = await createEmulator();
  const client = emulator.client();
  const demo = await seedDemoWorkspace(client, { rootPageId: emulator.rootPageId, ...options });
  return { client, demo };
}

async function allRows(client: Client, dataSourceId: string): Promise<PageObjectResponse[]> {
  const rows = await collectPaginatedAPI(client.dataSources.query, {
    data_source_id: dataSourceId,
  });
  return rows.filter(isFullPage);
}

function plainTitle(page: PageObjectResponse): string {
  const name = page.properties.Name;
  return name?.type === 'title' ? name.title.map((t) => t.plain_text).join('') : '';
}

function numberOf(value: PropertyValue | undefined): number | null {
  return value?.type === 'number' ? value.number : null;
}

/** All related page ids of a relation property, read through the paginated property endpoint. */
async function relationItems(
  client: Client,
  pageId: string,
  propertyId: string,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.pages.properties.retrieve({
      page_id: pageId,
      property_id: propertyId,
      ...(cursor === undefined ? {} : { start_cursor: cursor }),
    });
    if (page.object !== 'list') throw new Error('expected a paginated property item list');
    for (const item of page.results) if (item.type === 'relation') ids.push(item.relation.id);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}

/** Every page of the wiki tree with its depth (the wiki page itself is depth 1). */
async function walkWiki(client: Client, pageId: string, depth = 1) {
  const pages = [{ id: pageId, depth }];
  const types = new Set<string>();
  const annotations = new Set<string>();
  const children = (
    await collectPaginatedAPI(client.blocks.children.list, { block_id: pageId })
  ).filter(isFullBlock);
  for (const block of children) {
    types.add(block.type);
    const payload = (
      block as unknown as Record<string, { rich_text?: { annotations: Record<string, unknown> }[] }>
    )[block.type];
    for (const item of payload?.rich_text ?? []) {
      for (const [key, on] of Object.entries(item.annotations))
        if (on === true) annotations.add(key);
    }
    if (block.type === 'child_page') {
      const nested = await walkWiki(client, block.id, depth + 1);
      pages.push(...nested.pages);
      for (const t of nested.types) types.add(t);
      for (const a of nested.annotations) annotations.add(a);
    } else if (block.has_children) {
      const grandchildren = await collectPaginatedAPI(client.blocks.children.list, {
        block_id: block.id,
      });
      for (const child of grandchildren.filter(isFullBlock)) types.add(child.type);
    }
  }
  return { pages, types, annotations };
}

describe('seedDemoWorkspace', () => {
  let client: Client;
  let demo: DemoWorkspace;
  beforeAll(async () => {
    ({ client, demo } = await seeded());
  });

  it('creates 520 tasks and 12 projects by default', async () => {
    expect(demo.taskCount).toBe(520);
    expect(await allRows(client, demo.tasksDataSourceId)).toHaveLength(520);
    expect(await allRows(client, demo.projectsDataSourceId)).toHaveLength(demo.projectCount);
    expect(demo.projectCount).toBe(12);
  });

  it('gives tasks people, statuses, dates, tags, a url and a formula consistent with Done', async () => {
    const tasks = await allRows(client, demo.tasksDataSourceId);
    const persons = (await client.users.list({})).results
      .filter((u) => u.type === 'person')
      .map((u) => u.id);
    for (const task of tasks) {
      const p = task.properties;
      const done = p.Done?.type === 'checkbox' && p.Done.checkbox;
      const estimate = numberOf(p.Estimate) ?? Number.NaN;
      const remaining = p['Remaining hours'];
      expect(
        remaining?.type === 'formula' && remaining.formula.type === 'number'
          ? remaining.formula.number
          : undefined,
      ).toBe(done ? 0 : estimate * 4);
      expect(p.Status?.type === 'status' && p.Status.status?.name).toEqual(
        done ? 'Done' : expect.stringMatching(/^(Not started|In progress)$/),
      );
      expect(
        p.Assignee?.type === 'people' && persons.includes(p.Assignee.people[0]?.id ?? ''),
      ).toBe(true);
      expect(p.Due?.type === 'date' && p.Due.date?.start).toMatch(/^20\d\d-\d\d-\d\d$/);
      expect(p.Link?.type === 'url' && p.Link.url).toMatch(
        /^https:\/\/tracker\.example\.com\/T-\d+$/,
      );
      expect(p.Project?.type === 'relation' && p.Project.relation.length).toBeGreaterThanOrEqual(1);
    }
    const tags = new Set(
      tasks.flatMap((t) =>
        t.properties.Tags?.type === 'multi_select'
          ? t.properties.Tags.multi_select.map((o) => o.name)
          : [],
      ),
    );
    expect(tags.size).toBeGreaterThan(4);
  });

  it('keeps the dual relation in step and rolls task estimates up to projects', async () => {
    const tasks = await allRows(client, demo.tasksDataSourceId);
    const [project] = await allRows(client, demo.projectsDataSourceId);
    if (project === undefined) throw new Error('no project');
    const linked = tasks.filter(
      (t) =>
        t.properties.Project?.type === 'relation' &&
        t.properties.Project.relation.some((r) => r.id === project.id),
    );
    const tasksProperty = project.properties.Tasks;
    if (tasksProperty === undefined) throw new Error('Projects has no Tasks relation');
    const items = await relationItems(client, project.id, tasksProperty.id);
    expect(new Set(items)).toEqual(new Set(linked.map((t) => t.id)));
    const rollup = project.properties['Total estimate'];
    expect(rollup?.type).toBe('rollup');
    expect(project.properties['Task count']?.type).toBe('rollup');
  });

  it('builds an 11-page wiki four levels deep with varied, annotated content', async () => {
    const wiki = await walkWiki(client, demo.wikiPageId);
    expect(wiki.pages).toHaveLength(11);
    expect(Math.max(...wiki.pages.map((p) => p.depth))).toBe(4);
    for (const type of [
      'heading_1',
      'heading_2',
      'heading_3',
      'paragraph',
      'bulleted_list_item',
      'numbered_list_item',
      'to_do',
      'code',
      'table',
      'table_row',
      'callout',
      'quote',
      'divider',
      'toggle',
      'equation',
    ]) {
      expect(wiki.types).toContain(type);
    }
    expect([...wiki.annotations].sort()).toEqual(
      expect.arrayContaining(['bold', 'code', 'italic']),
    );
    const markdown = await client.pages.retrieveMarkdown({ page_id: demo.wikiPageId });
    expect(markdown.markdown).toContain(
      `<mention-database url="https://app.notion.com/p/${demo.tasksDatabaseId.replaceAll('-', '')}"`,
    );
  });
});

describe('seedDemoWorkspace determinism', () => {
  async function contentOf(seed: number): Promise<string[]> {
    const { client, demo } = await seeded({ seed, taskCount: 30 });
    const tasks = await allRows(client, demo.tasksDataSourceId);
    return tasks.map((t) => `${plainTitle(t)}|${numberOf(t.properties.Estimate)}`).sort();
  }

  it('gives equal content for equal seeds and different content for different seeds', async () => {
    const first = await contentOf(7);
    expect(first).toHaveLength(30);
    expect(await contentOf(7)).toEqual(first);
    expect(await contentOf(8)).not.toEqual(first);
  });
});
