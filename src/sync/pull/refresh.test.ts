// Invariant: a refresh re-reads only the named pages, under the source's lease, storing what
// Notion says now with the given trigger; pages outside the source are never added, and a
// source never pulled is skipped (its first pull copies everything). Runs on every dialect.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness } from '../test-support/pull-harness.ts';

const title = (content: string) => ({ title: { title: [{ text: { content } }] } });

describe.each(storeFactories())('refresh on $name', (factory) => {
  it('refreshes pages of a page tree, ignores pages outside it, skips a never-pulled source', async () => {
    const clock = createManualClock(Date.UTC(2026, 6, 1, 9, 0, 0));
    const emu = await createEmulator({ clock });
    const notion = emu.client();
    const wiki = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: title('Wiki'),
    });
    const child = await notion.pages.create({
      parent: { page_id: wiki.id },
      properties: title('Child'),
    });
    const outside = await notion.pages.create({
      parent: { page_id: emu.rootPageId },
      properties: title('Outside'),
    });
    const h = await createPullHarness(factory, emu, [{ name: 'wiki', page: wiki.id }], clock);

    const skipped = await h.engine.refresh('wiki', [child.id], { trigger: 'webhook:e0' });
    expect(skipped).toMatchObject({ status: 'skipped', runId: null });

    expect((await h.engine.pull(['wiki'])).ok).toBe(true);
    await clock.advance(5 * 60_000);
    await notion.pages.update({ page_id: child.id, properties: title('Child, renamed') });
    const result = await h.engine.refresh('wiki', [child.id, outside.id], {
      trigger: 'webhook:e1',
    });
    expect(result).toMatchObject({ status: 'ok', counts: { updated: 1 } });
    const [record] = await h.store.records.findByKey(child.id);
    const latest = (await h.store.history.listVersions(record!.id)).at(-1);
    expect(latest).toMatchObject({ trigger: 'webhook:e1', runId: result.runId });
    expect(await h.store.records.findByKey(outside.id)).toEqual([]);
    expect((await h.store.runs.get(result.runId!))?.kind).toBe('refresh');
  });
});
