import type { APIResponseError, Client } from '@notionhq/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from './index.ts';
import { rejectionOf } from './test-support.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });

describe('blocks and page Markdown', () => {
  let emu: Emulator;
  let notion: Client;
  let pageId: string;

  beforeEach(async () => {
    emu = await createEmulator();
    notion = emu.client();
    pageId = (
      await notion.pages.create({
        parent: { page_id: emu.rootPageId },
        properties: { title: title('Doc') },
      })
    ).id;
  });

  const markdown = async () => (await notion.pages.retrieveMarkdown({ page_id: pageId })).markdown;

  it('updates, trashes and restores blocks; lists only live children', async () => {
    const appended = await notion.blocks.children.append({
      block_id: pageId,
      children: [
        { to_do: { rich_text: [{ text: { content: 'task' } }] } },
        { paragraph: { rich_text: [{ text: { content: 'gone' } }] } },
      ],
    });
    const [todo, para] = appended.results.map((b) => b.id);
    const updated = await notion.blocks.update({ block_id: todo!, to_do: { checked: true } });
    expect(updated).toMatchObject({
      type: 'to_do',
      to_do: { checked: true, rich_text: [{ plain_text: 'task' }] },
    });
    const deleted = await notion.blocks.delete({ block_id: para! });
    expect(deleted).toMatchObject({ in_trash: true });
    expect(
      (await notion.blocks.children.list({ block_id: pageId })).results.map((b) => b.id),
    ).toEqual([todo]);
    await notion.blocks.update({ block_id: para!, in_trash: false });
    expect((await notion.blocks.children.list({ block_id: pageId })).results).toHaveLength(2);
    const wrongType = await rejectionOf(
      notion.blocks.update({ block_id: todo!, paragraph: { rich_text: [] } }),
    );
    expect((wrongType as APIResponseError).code).toBe('validation_error');
  });

  it('reads and edits content as Markdown, consistent with the block endpoints', async () => {
    await notion.pages.updateMarkdown({
      page_id: pageId,
      type: 'insert_content',
      insert_content: { content: '## Plan\n- one\n- two' },
    });
    expect(await markdown()).toBe('## Plan\n- one\n- two');
    const blocks = await notion.blocks.children.list({ block_id: pageId });
    expect(blocks.results.map((b) => ('type' in b ? b.type : ''))).toEqual([
      'heading_2',
      'bulleted_list_item',
      'bulleted_list_item',
    ]);
    await notion.pages.updateMarkdown({
      page_id: pageId,
      type: 'update_content',
      update_content: { content_updates: [{ old_str: 'two', new_str: 'three' }] },
    });
    expect(await markdown()).toBe('## Plan\n- one\n- three');
    await notion.pages.updateMarkdown({
      page_id: pageId,
      type: 'replace_content_range',
      replace_content_range: { content: '## Done', content_range: '## Plan...three' },
    });
    expect(await markdown()).toBe('## Done');
    const missing = await rejectionOf(
      notion.pages.updateMarkdown({
        page_id: pageId,
        type: 'update_content',
        update_content: { content_updates: [{ old_str: 'absent', new_str: 'x' }] },
      }),
    );
    expect((missing as APIResponseError).code).toBe('validation_error');
  });

  it('refuses to drop child pages unless allowed, and answers allow_async with a task', async () => {
    await notion.pages.create({
      parent: { page_id: pageId },
      properties: { title: title('Child') },
    });
    const refused = await rejectionOf(
      notion.pages.updateMarkdown({
        page_id: pageId,
        type: 'replace_content',
        replace_content: { new_str: 'text' },
      }),
    );
    expect((refused as APIResponseError).code).toBe('validation_error');
    const task = await notion.pages.updateMarkdown({
      page_id: pageId,
      type: 'replace_content',
      replace_content: { new_str: 'text', allow_deleting_content: true },
      allow_async: true,
    });
    expect(task).toMatchObject({ object: 'async_task', status: 'queued' });
    const done = await notion.request<{ status: string; result: { markdown: string } }>({
      path: `async_tasks/${(task as unknown as { id: string }).id}`,
      method: 'get',
    });
    expect(done).toMatchObject({ status: 'succeeded', result: { markdown: 'text' } });
  });

  it('lets a Markdown edit through when the only child page it leaves out is in the trash', async () => {
    const child = await notion.pages.create({
      parent: { page_id: pageId },
      properties: { title: title('Child') },
    });
    await notion.pages.updateMarkdown({
      page_id: pageId,
      type: 'insert_content',
      insert_content: { content: 'first line' },
    });
    await notion.pages.update({ page_id: child.id, in_trash: true });
    expect(await markdown()).not.toContain('<page');
    const edited = await notion.pages.updateMarkdown({
      page_id: pageId,
      type: 'update_content',
      update_content: {
        content_updates: [{ old_str: 'first line', new_str: 'first line, edited' }],
      },
    } as never);
    expect((edited as unknown as { markdown: string }).markdown).toContain('first line, edited');
  });

  it('creates a page from Markdown and moves pages between parents', async () => {
    const created = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: title('From md') },
      markdown: '# Title\nBody',
    });
    const list = await notion.blocks.children.list({ block_id: created.id });
    expect(list.results.map((b) => ('type' in b ? b.type : ''))).toEqual([
      'heading_1',
      'paragraph',
    ]);
    const first = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: { title: title('First') },
      position: { type: 'page_start' },
    });
    const rootChildren = await notion.blocks.children.list({ block_id: emu.rootPageId });
    expect(rootChildren.results.map((b) => b.id)).toEqual([first.id, pageId, created.id]);
    const moved = await notion.pages.move({ page_id: created.id, parent: { page_id: pageId } });
    expect(moved).toMatchObject({ parent: { type: 'page_id', page_id: pageId } });
    const children = await notion.blocks.children.list({ block_id: pageId });
    expect(children.results.map((b) => b.id)).toEqual([created.id]);
    const cycle = await rejectionOf(
      notion.pages.move({ page_id: pageId, parent: { page_id: created.id } }),
    );
    expect((cycle as APIResponseError).code).toBe('validation_error');
  });
});
