// Markdown edits of a page as Notion documents them: a targeted edit (`update_content`,
// `replace_content_range`, `insert_content … after`) keeps the blocks it does not touch (same
// ids, in place), `replace_content` recreates every block, and one `update_content` request
// takes at most 100 pairs (the endpoint's OpenAPI).
import type { APIResponseError, Client } from '@notionhq/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from './index.ts';
import { rejectionOf } from './test-support.ts';

describe('page Markdown edits and block ids', () => {
  let emu: Emulator;
  let notion: Client;
  let pageId: string;

  beforeEach(async () => {
    emu = await createEmulator();
    notion = emu.client({ notionVersion: '2026-03-11' });
    pageId = (
      await notion.pages.create({
        parent: { page_id: emu.rootPageId },
        properties: { title: { title: [{ text: { content: 'Doc' } }] } },
        markdown: '# Heading\nOne.\nTwo.\n- a\n- b\nThree.',
      } as never)
    ).id;
  });

  const ids = async () =>
    (await notion.blocks.children.list({ block_id: pageId })).results.map((b) => b.id);
  const edit = (body: Record<string, unknown>) =>
    notion.pages.updateMarkdown({ page_id: pageId, ...body } as never);

  it('update_content replaces one block and keeps the others', async () => {
    const before = await ids();
    const answer = await edit({
      type: 'update_content',
      update_content: { content_updates: [{ old_str: 'Two.', new_str: 'Two, edited.\nNew.' }] },
    });
    expect(answer.markdown).toBe('# Heading\nOne.\nTwo, edited.\nNew.\n- a\n- b\nThree.');
    const after = await ids();
    expect(after).toHaveLength(7);
    expect([after[0], after[1], ...after.slice(4)]).toEqual([
      before[0],
      before[1],
      ...before.slice(3),
    ]);
    expect(after[2]).not.toBe(before[2]);
  });

  it('replace_content_range and insert_content after keep untouched blocks too', async () => {
    const before = await ids();
    await edit({
      type: 'replace_content_range',
      replace_content_range: { content_range: 'One.', content: 'Uno.' },
    });
    await edit({ type: 'insert_content', insert_content: { content: 'Four.', after: 'Three.' } });
    const after = await ids();
    expect(after.slice(2, 6)).toEqual(before.slice(2, 6));
    expect(after[0]).toBe(before[0]);
    expect(after).toHaveLength(7);
  });

  it('keeps blocks Markdown cannot express, and child pages, through a targeted edit', async () => {
    const doc = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: { title: [{ text: { content: 'Mixed' } }] } },
      children: [
        { paragraph: { rich_text: [{ text: { content: 'one' } }] } },
        { bookmark: { url: 'https://example.com' } },
        { paragraph: { rich_text: [{ text: { content: 'two' } }] } },
      ],
    } as never);
    await notion.pages.create({
      parent: { page_id: doc.id },
      properties: { title: { title: [{ text: { content: 'Child' } }] } },
    } as never);
    const children = async () =>
      (await notion.blocks.children.list({ block_id: doc.id })).results.map((b) => [
        (b as { type: string }).type,
        b.id,
      ]);
    const before = await children();
    await notion.pages.updateMarkdown({
      page_id: doc.id,
      type: 'update_content',
      update_content: { content_updates: [{ old_str: 'two', new_str: 'TWO' }] },
    } as never);
    const after = await children();
    expect(after.map(([type]) => type)).toEqual([
      'paragraph',
      'bookmark',
      'paragraph',
      'child_page',
    ]);
    expect([after[0], after[1], after[3]]).toEqual([before[0], before[1], before[3]]);
  });

  it('replace_content recreates every block', async () => {
    const before = await ids();
    await edit({
      type: 'replace_content',
      replace_content: { new_str: '# Heading\nOne.\nTwo.\n- a\n- b\nThree.' },
    });
    const after = await ids();
    expect(after).toHaveLength(6);
    for (const id of after) expect(before).not.toContain(id);
  });

  it('refuses more than 100 content updates in one request', async () => {
    const updates = Array.from({ length: 101 }, () => ({ old_str: 'One.', new_str: 'One.' }));
    const error = (await rejectionOf(
      edit({ type: 'update_content', update_content: { content_updates: updates } }),
    )) as APIResponseError;
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_error');
  });
});
