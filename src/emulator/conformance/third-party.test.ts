// Unmodified third-party Notion clients from npm, handed an @notionhq/client instance that talks
// to the emulator, read the demo wiki as they would read real Notion.

import { Client, LogLevel } from '@notionhq/client';
import { crawler, type Page, pageToString } from 'notion-md-crawler';
import { NotionToMarkdown } from 'notion-to-md';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator.ts';
import { type DemoWorkspace, seedDemoWorkspace } from '../seed/seed-demo.ts';

// The packages type their `client` option against their own pinned SDK major; at run time
// they only call the public methods every SDK version has.
type ForeignClient<T> = T extends { client: infer C }
  ? C
  : T extends { notionClient: infer C }
    ? C
    : never;

let client: Client;
let demo: DemoWorkspace;
let emulator: Awaited<ReturnType<typeof createEmulator>>;

beforeAll(async () => {
  emulator = await createEmulator();
  client = emulator.client();
  demo = await seedDemoWorkspace(client, { rootPageId: emulator.rootPageId, taskCount: 10 });
});

describe('notion-to-md', () => {
  it('converts the demo wiki, sub-pages included, to Markdown', async () => {
    type Options = ConstructorParameters<typeof NotionToMarkdown>[0];
    const n2m = new NotionToMarkdown({ notionClient: client as unknown as ForeignClient<Options> });
    const markdown = n2m.toMarkdownString(await n2m.pageToMarkdown(demo.wikiPageId)).parent ?? '';
    expect(markdown).toContain('# Welcome to the team');
    expect(markdown).toContain('This handbook is the **single source of truth** for how we work.');
    expect(markdown).toContain('    - Weekly planning on _Mondays_');
    expect(markdown).toContain(
      '> 💡 New here? Start with [Onboarding](https://example.com/onboarding)',
    );
    expect(markdown).toMatch(/\| Service \| Owner +\| Language +\|/);
    expect(markdown).toContain('```shell\ngit clone git@example.com:acme/monorepo.git');
    expect(markdown).toContain('- [x] Install Node 24');
    expect(markdown).toContain('$$\nL = \\lambda W\n$$');
    // Sub-pages are fetched recursively: the fourth level is in the output.
    expect(markdown).toContain('## On-call');
    expect(markdown).toContain('kubectl -n prod get pods');
  });
});

describe('notion-md-crawler', () => {
  it('crawls the whole wiki tree with titles, parents and content', async () => {
    type Options = Parameters<typeof crawler>[0];
    const crawl = crawler({ client: client as unknown as ForeignClient<Options> });
    const pages: Page[] = [];
    for await (const result of crawl(demo.wikiPageId)) {
      if (!result.success) throw new Error(`crawl failed: ${result.failure.reason}`);
      pages.push(result.page);
    }
    const titles = pages.map((page) => page.metadata.title);
    expect(titles).toHaveLength(11);
    expect(titles).toEqual(
      expect.arrayContaining(['Team Handbook', 'Engineering', 'On-call', 'Onboarding']),
    );
    const onCall = pages.find((page) => page.metadata.title === 'On-call');
    const runbooks = pages.find((page) => page.metadata.title === 'Runbooks');
    expect(onCall?.metadata.parentId).toBe(runbooks?.metadata.id);
    const text = pageToString(onCall as Page);
    expect(text).toContain('- [ ] Check the pager app is logged in');
    expect(text).toContain('kubectl -n prod get pods');
  });
});

describe('@notionhq/client at its default Notion-Version (2025-09-03)', () => {
  it('appends children with `position`, which the SDK sent before 2026-03-11', async () => {
    const sdk = new Client({
      auth: emulator.token,
      fetch: emulator.fetch,
      baseUrl: emulator.baseUrl,
      logLevel: LogLevel.ERROR,
    });
    const p = (text: string) => ({ paragraph: { rich_text: [{ text: { content: text } }] } });
    const page = await sdk.pages.create({
      parent: { page_id: emulator.rootPageId },
      properties: { title: { title: [{ text: { content: 'position' } }] } },
    });
    const first = await sdk.blocks.children.append({
      block_id: page.id,
      children: [p('a'), p('c')],
    });
    await sdk.blocks.children.append({
      block_id: page.id,
      children: [p('b')],
      position: { type: 'after_block', after_block: { id: first.results[0]!.id } },
    });
    await sdk.blocks.children.append({
      block_id: page.id,
      children: [p('0')],
      position: { type: 'start' },
    });
    const list = await sdk.blocks.children.list({ block_id: page.id });
    const texts = list.results.map((b) =>
      'paragraph' in b ? b.paragraph.rich_text[0]?.plain_text : '',
    );
    expect(texts).toEqual(['0', 'a', 'b', 'c']);
  });
});
