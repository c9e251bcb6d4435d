// Invariant: a page source holds the page and every descendant page (also those nested in other
// blocks, which the walk looks into) with its content as Markdown; content is re-read only when a page may have changed;
// a trashed descendant is tombstoned `trashed` after a complete walk.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness } from '../test-support/pull-harness.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });
const paragraph = (content: string) => ({ paragraph: { rich_text: [{ text: { content } }] } });

describe.each(storeFactories().filter((f) => f.name !== 'sqlite-memory'))(
  'page sources on $name',
  (factory) => {
    it('imports a page tree with Markdown content and tombstones a trashed child', async () => {
      const clock = createManualClock(Date.UTC(2026, 5, 6, 6, 0, 0));
      const emu = await createEmulator({ clock });
      const notion = emu.client();
      const create = async (parent: string, name: string, text: string) => {
        const page = await notion.pages.create({
          parent: { page_id: parent },
          properties: { title: title(name) },
        });
        await notion.blocks.children.append({
          block_id: page.id,
          children: [paragraph(text)] as never,
        });
        return page.id;
      };
      const top = await create(emu.rootPageId, 'Handbook', 'Welcome aboard');
      const child = await create(top, 'Onboarding', 'Day one');
      const nested = await create(top, 'Glossary', 'Deep text');
      const grandchild = await create(child, 'Laptop setup', 'Install things');
      await clock.advance(10 * 60_000);

      const h = await createPullHarness(factory, emu, [{ name: 'handbook', page: top }], clock);
      emu.control.clearRequestLog();
      const first = await h.engine.pull();
      expect(emu.control.requestLog().filter((e) => e.path.endsWith('/markdown'))).toHaveLength(4);
      expect(first.sources[0]).toMatchObject({
        status: 'ok',
        mode: 'page_tree',
        counts: { created: 4 },
      });
      const source = (await h.store.sources.getByName('handbook'))!;
      const contentOf = async (id: string) => {
        const record = (await h.store.records.findByPageId(source.id, id))!;
        return {
          record,
          version: (await h.store.history.getVersionById(record.currentVersionId!))!,
        };
      };
      expect((await contentOf(top)).version.content).toContain('Welcome aboard');
      expect((await contentOf(nested)).version.content).toContain('Deep text');
      expect((await contentOf(grandchild)).record.parentId).toBe(child);

      await clock.advance(5 * 60_000);
      emu.control.clearRequestLog();
      const quiet = await h.engine.pull();
      // Between complete walks nothing is re-walked: search shows no edit, so no page is read.
      expect(quiet.sources[0]!.counts).toMatchObject({ fetched: 0, created: 0, updated: 0 });
      expect(quiet.sources[0]!.reconciled).toBe(false);
      expect(emu.control.requestLog().filter((e) => e.path.endsWith('/markdown'))).toEqual([]);

      await notion.pages.update({ page_id: grandchild, in_trash: true });
      await clock.advance(60_000);
      const after = await h.engine.pull();
      // Between complete walks: search's trashed hint names it, a retrieve confirms it.
      expect(after.sources[0]).toMatchObject({ reconciled: false, counts: { deleted: 1 } });
      expect((await contentOf(grandchild)).record.tombstone).toBe('trashed');
    });
  },
);
