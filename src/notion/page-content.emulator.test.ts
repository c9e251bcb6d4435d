// Invariant: page content read as Markdown is never silently partial: blocks Markdown cannot
// express come back raw, and truncation is reported; a Markdown replace round-trips.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.ts';
import { createNotionClient } from './notion-client.ts';

const paragraph = (content: string) => ({
  object: 'block' as const,
  type: 'paragraph' as const,
  paragraph: { rich_text: [{ type: 'text' as const, text: { content } }] },
});

async function setup() {
  const emulator = await createEmulator({ rateLimit: false });
  const client = createNotionClient({
    token: emulator.token,
    baseUrl: emulator.baseUrl,
    fetch: emulator.fetch,
    pacing: { requestsPerSecond: 100_000, burst: 100_000, maxInFlight: 16 },
  });
  return { emulator, client };
}

describe('page content against the emulator', () => {
  it('reads Markdown, keeps blocks Markdown cannot express as raw blocks, and replaces content', async () => {
    const { emulator, client } = await setup();
    const page = await client.pages.create({
      parent: { page_id: emulator.rootPageId },
      properties: { title: { title: [{ text: { content: 'Doc' } }] } },
      children: [
        paragraph('First paragraph'),
        {
          object: 'block',
          type: 'toggle',
          toggle: {
            rich_text: [{ type: 'text', text: { content: 'Details' } }],
            children: [paragraph('Hidden')],
          },
        },
        { object: 'block', type: 'bookmark', bookmark: { url: 'https://example.com/bookmarked' } },
      ],
    });

    const content = await client.getPageMarkdown(page.id);
    expect(content.markdown).toContain('First paragraph');
    expect(content.markdown).toContain('Hidden');
    expect(content.complete).toBe(true);
    expect(content.unknownBlocks).toHaveLength(1);
    const bookmark = content.unknownBlocks[0]?.block;
    expect(bookmark?.type === 'bookmark' && bookmark.bookmark.url).toBe(
      'https://example.com/bookmarked',
    );

    const tree = await client.collectBlockTree(page.id);
    expect(tree.map((n) => n.block.type)).toStrictEqual(['paragraph', 'toggle', 'bookmark']);
    expect(tree[1]?.children.map((n) => n.block.type)).toStrictEqual(['paragraph']);
    await expect(client.collectBlockTree(page.id, { maxDepth: 0 })).rejects.toMatchObject({
      code: 'notion_incomplete',
    });

    await client.replacePageMarkdown(page.id, '# Rewritten\nOnly this line.', {
      allowDeletingContent: true,
    });
    const after = await client.getPageMarkdown(page.id);
    expect(after.markdown).toContain('Only this line.');
    expect(after.markdown).not.toContain('First paragraph');
  });

  it('completes a truncated page from the blocks Notion left out', async () => {
    const { emulator, client } = await setup();
    const page = await client.pages.create({
      parent: { page_id: emulator.rootPageId },
      properties: { title: { title: [{ text: { content: 'Long' } }] } },
    });
    for (let batch = 0; batch < 201; batch++) {
      await client.blocks.children.append({
        block_id: page.id,
        children: Array.from({ length: 100 }, (_, i) => paragraph(`line ${batch * 100 + i}`)),
      });
    }
    const content = await client.getPageMarkdown(page.id);
    expect(content.requests).toBeGreaterThan(1);
    expect(content.complete).toBe(true);
    expect(content.missingBlockIds).toEqual([]);
    expect(content.markdown).toContain('line 0');
    expect(content.markdown).toContain('line 20099');
  });
});
