// Invariant (enhanced Markdown reference): GET /v1/pages/{id}/markdown names every child page as
// a `<page url="…">Title</page>` line and every child database as `<database url="…">Title
// </database>`, indented like any block — inside toggles and columns too — and trashed ones
// not at all.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../index.ts';
import { seedPageTree } from '../seed/seed-page-tree.ts';

const url = (id: string) => `https://app.notion.com/p/${id.replaceAll('-', '')}`;

describe('child pages and databases in page Markdown', () => {
  it('renders them as <page> and <database> lines wherever they sit', async () => {
    const emu = await createEmulator();
    const notion = emu.client({ notionVersion: '2026-03-11' });
    const tree = await seedPageTree(notion, { parentPageId: emu.rootPageId, pageCount: 4 });
    const root = tree.rootId;
    const [first, second, third] = tree.pageIds.slice(1) as [string, string, string];
    const places = [first, second, third].map((id) => tree.placeOf.get(id));
    expect(new Set(places)).toEqual(new Set(['page', 'toggle', 'column']));
    const database = await notion.databases.create({
      parent: { type: 'page_id', page_id: root },
      title: [{ type: 'text', text: { content: 'Tasks' } }],
      is_inline: true,
      initial_data_source: { properties: { Name: { title: {} } } },
    });
    const markdownOf = async (id: string) =>
      (await notion.pages.retrieveMarkdown({ page_id: id })).markdown.split('\n');
    const indent = { page: '', toggle: '\t', column: '\t\t' } as const;
    for (const [i, id] of [first, second, third].entries()) {
      const lines = await markdownOf(tree.parentOf.get(id)!);
      const place = tree.placeOf.get(id)!;
      expect(lines).toContain(`${indent[place]}<page url="${url(id)}">Page ${i + 1}</page>`);
    }
    expect((await markdownOf(root)).at(-1)).toBe(
      `<database url="${url(database.id)}">Tasks</database>`,
    );

    await notion.pages.update({ page_id: second, in_trash: true });
    const after = await notion.pages.retrieveMarkdown({ page_id: first });
    expect(after.markdown).not.toContain(url(second));
    expect(after.unknown_block_ids).toEqual([]);
  });
});
