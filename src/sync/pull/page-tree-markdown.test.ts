// Invariants of page sources read through Markdown (page-tree.ts, pull-page-tree.ts):
// - a complete walk finds every descendant page — in toggles and columns too — from the Markdown
//   it stores anyway, at two calls a page (Markdown + metadata) and no block reads, and stores
//   each page's Markdown exactly as the Markdown endpoint returns it;
// - between complete walks a pull reads only pages whose last_edited_time moved, plus the new
//   child pages they or search reveal, and never re-walks unchanged subtrees;
// - a page moved out of the tree is left alone until the next complete walk tombstones it.
import { describe, expect, it } from 'vitest';
import { createEmulator, createManualClock, seedDemoWorkspace } from '../../emulator/index.ts';
import { seedPageTree } from '../../emulator/seed/seed-page-tree.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import type { PullHarness } from '../test-support/pull-harness.ts';
import { createPullHarness, emulatorClient } from '../test-support/pull-harness.ts';
import { childPagesOf } from './page-tree.ts';
import { MAX_HINT_RESULTS } from './page-tree-changes.ts';

type Emu = Awaited<ReturnType<typeof createEmulator>>;

const MINUTE = 60_000;

async function stored(h: PullHarness, sourceName: string, pageId: string) {
  const source = (await h.store.sources.getByName(sourceName))!;
  const record = await h.store.records.findByPageId(source.id, pageId);
  const version = record?.currentVersionId
    ? await h.store.history.getVersionById(record.currentVersionId)
    : null;
  return { record, content: version?.content ?? null };
}

/** Page ids and containing pages by a block walk — the oracle, not what the engine does. */
async function blockWalk(emu: Emu, rootId: string): Promise<Map<string, string | null>> {
  const client = emu.client();
  const parents = new Map<string, string | null>([[rootId, null]]);
  const walk = async (blockId: string, pageId: string) => {
    for (const block of (await client.blocks.children.list({ block_id: blockId })).results) {
      const b = block as { id: string; type: string; has_children: boolean };
      if (b.type === 'child_page') {
        parents.set(b.id, pageId);
        await walk(b.id, b.id);
      } else if (b.has_children) await walk(b.id, pageId);
    }
  };
  await walk(rootId, rootId);
  return parents;
}

const markdownReads = (emu: Emu) =>
  emu.control
    .requestLog()
    .filter((e) => e.path.endsWith('/markdown'))
    .map((e) => e.path.split('/')[3]);
const blockReads = (emu: Emu) =>
  emu.control.requestLog().filter((e) => e.path.includes('/blocks/'));

describe.each(storeFactories().filter((f) => f.name !== 'sqlite-memory'))(
  'page trees read through Markdown on $name',
  (factory) => {
    it('pulls the demo wiki at two calls a page, each page stored as the Markdown endpoint returns it', async () => {
      const clock = createManualClock(Date.UTC(2026, 5, 6, 6, 0, 0));
      const emu = await createEmulator({ clock });
      emu.control.createUser({ name: 'Ada Lovelace', email: 'ada@example.com' });
      const client = emu.client({ notionVersion: '2026-03-11' });
      const demo = await seedDemoWorkspace(client, { rootPageId: emu.rootPageId, taskCount: 5 });
      await clock.advance(10 * MINUTE);
      const expected = await blockWalk(emu, demo.wikiPageId);
      expect(expected.size).toBe(11);
      const h = await createPullHarness(
        factory,
        emu,
        [{ name: 'wiki', page: demo.wikiPageId }],
        clock,
      );

      emu.control.clearRequestLog();
      const result = await h.engine.pull();
      expect(result.sources[0]).toMatchObject({ status: 'ok', counts: { created: 11 } });
      expect(emu.control.requestLog().length).toBeLessThanOrEqual(2 * 11 + 2);
      expect(blockReads(emu)).toEqual([]);
      for (const [id, parentId] of expected) {
        const { record, content } = await stored(h, 'wiki', id);
        expect(record?.parentId ?? null).toBe(parentId);
        expect(content).toBe((await h.notion.getPageMarkdown(id)).markdown);
      }
    });

    it('finds child pages in toggles and columns, at every level, without reading blocks', async () => {
      const clock = createManualClock(Date.UTC(2026, 5, 6, 6, 0, 0));
      const emu = await createEmulator({ clock });
      const client = emu.client({ notionVersion: '2026-03-11' });
      const tree = await seedPageTree(client, { parentPageId: emu.rootPageId, pageCount: 40 });
      expect(new Set(tree.placeOf.values())).toEqual(new Set(['page', 'toggle', 'column']));
      await clock.advance(10 * MINUTE);
      const h = await createPullHarness(factory, emu, [{ name: 'tree', page: tree.rootId }], clock);

      emu.control.clearRequestLog();
      const result = await h.engine.pull();
      expect(result.sources[0]!.counts.created).toBe(40);
      expect(emu.control.requestLog().length).toBeLessThanOrEqual(2 * 40 + 2);
      expect(blockReads(emu)).toEqual([]);
      for (const [id, parentId] of tree.parentOf) {
        expect((await stored(h, 'tree', id)).record?.parentId).toBe(parentId);
      }
    });

    it('between complete walks reads only what moved, and the new pages it reveals', async () => {
      const clock = createManualClock(Date.UTC(2026, 5, 6, 6, 0, 0));
      const emu = await createEmulator({ clock });
      const client = emu.client({ notionVersion: '2026-03-11' });
      const tree = await seedPageTree(client, { parentPageId: emu.rootPageId, pageCount: 40 });
      await clock.advance(10 * MINUTE);
      const h = await createPullHarness(factory, emu, [{ name: 'tree', page: tree.rootId }], clock);
      await h.engine.pull();
      const [edited, other] = [tree.pageIds[20]!, tree.pageIds[30]!];

      await clock.advance(10 * MINUTE);
      const editAndPull = async (line: string) => {
        await client.pages.updateMarkdown({
          page_id: edited,
          type: 'insert_content',
          insert_content: { content: line },
        });
        await clock.advance(MINUTE);
        emu.control.clearRequestLog();
        return h.engine.pull();
      };
      const one = await editAndPull('Edited after the first pull.');
      expect(one.sources[0]).toMatchObject({ status: 'ok', reconciled: false });
      expect(one.sources[0]!.counts).toMatchObject({ created: 0, updated: 1 });
      expect(emu.control.requestLog().length).toBeLessThanOrEqual(5);
      expect(markdownReads(emu)).toEqual([edited]);
      expect((await stored(h, 'tree', edited)).content).toContain('Edited after the first pull.');

      // A new page in a toggle of a changed page, and one directly under an unchanged page.
      await clock.advance(10 * MINUTE);
      const toggle = (await client.blocks.children.list({ block_id: edited })).results.find(
        (b) => (b as { type: string }).type === 'toggle',
      )!;
      const create = async (parent: object, name: string) =>
        (
          await client.pages.create({
            parent: parent as { page_id: string },
            properties: { title: { title: [{ text: { content: name } }] } },
          })
        ).id;
      const inToggle = await create({ type: 'block_id', block_id: toggle.id }, 'In a toggle');
      const underOther = await create({ page_id: other }, 'Under another page');
      const two = await editAndPull('Edited again.');
      expect(two.sources[0]!.counts).toMatchObject({ created: 2, updated: 1 });
      expect((await stored(h, 'tree', inToggle)).record?.parentId).toBe(edited);
      expect((await stored(h, 'tree', underOther)).record?.parentId).toBe(other);
      expect(new Set(markdownReads(emu))).toEqual(new Set([edited, inToggle, underOther]));
      expect(blockReads(emu)).toEqual([]);
    });

    it('walks the whole tree when search shows more edits than a hint should page through', async () => {
      const clock = createManualClock(Date.UTC(2026, 5, 6, 6, 0, 0));
      const emu = await createEmulator({ clock });
      const client = emu.client({ notionVersion: '2026-03-11' });
      const tree = await seedPageTree(client, { parentPageId: emu.rootPageId, pageCount: 5 });
      const rows = await createDataSource(client, emu.rootPageId, { Name: { title: {} } });
      await clock.advance(10 * MINUTE);
      const h = await createPullHarness(factory, emu, [{ name: 'tree', page: tree.rootId }], clock);
      await h.engine.pull();

      await clock.advance(10 * MINUTE);
      // Edits outside the tree still fill the search window.
      const names = Array.from({ length: MAX_HINT_RESULTS + 1 }, (_, i) => ({
        Name: { title: [{ text: { content: `Row ${i}` } }] },
      }));
      emu.control.bulkCreatePages(rows, names);
      await clock.advance(MINUTE);
      const result = await h.engine.pull();
      expect(result.sources[0]).toMatchObject({ status: 'ok', reconciled: true });
      expect(result.sources[0]!.counts).toMatchObject({ created: 0, deleted: 0 });
    });

    it('leaves a page moved out of the tree to the next complete walk, which tombstones it', async () => {
      const clock = createManualClock(Date.UTC(2026, 5, 6, 6, 0, 0));
      const emu = await createEmulator({ clock });
      const client = emu.client({ notionVersion: '2026-03-11' });
      const tree = await seedPageTree(client, { parentPageId: emu.rootPageId, pageCount: 12 });
      await clock.advance(10 * MINUTE);
      const sources = [{ name: 'tree', page: tree.rootId, reconcile: '1h' }];
      const h = await createPullHarness(factory, emu, sources, clock);
      await h.engine.pull();
      const leaf = tree.pageIds.at(-1)!;

      await clock.advance(10 * MINUTE);
      await client.pages.move({ page_id: leaf, parent: { page_id: emu.rootPageId } });
      await clock.advance(MINUTE);
      emu.control.clearRequestLog();
      const between = await h.engine.pull();
      expect(between.sources[0]).toMatchObject({ reconciled: false, counts: { deleted: 0 } });
      expect(markdownReads(emu)).not.toContain(leaf);
      expect((await stored(h, 'tree', leaf)).record?.tombstone).toBeNull();

      await clock.advance(60 * MINUTE);
      const complete = await h.engine.pull();
      expect(complete.sources[0]).toMatchObject({ reconciled: true, counts: { deleted: 1 } });
      expect((await stored(h, 'tree', leaf)).record?.tombstone).toBe('missing');
    });
  },
);

describe('childPagesOf', () => {
  it('reads blocks only when the Markdown was truncated or incomplete', async () => {
    const emu = await createEmulator();
    const client = emu.client({ notionVersion: '2026-03-11' });
    const tree = await seedPageTree(client, { parentPageId: emu.rootPageId, pageCount: 2 });
    const notion = emulatorClient(emu);
    const read = await notion.getPageMarkdown(tree.rootId);
    const child = tree.pageIds[1]!;
    emu.control.clearRequestLog();
    expect(await childPagesOf(notion, tree.rootId, read)).toEqual([child]);
    // Without its <page> line the child is found only when the read says something is missing.
    const bare = { ...read, markdown: '' };
    expect(await childPagesOf(notion, tree.rootId, bare)).toEqual([]);
    expect(blockReads(emu)).toEqual([]);
    expect(await childPagesOf(notion, tree.rootId, { ...bare, truncated: true })).toEqual([child]);
    expect(await childPagesOf(notion, tree.rootId, { ...bare, complete: false })).toEqual([child]);
    expect(blockReads(emu).length).toBeGreaterThan(0);
  });
});
