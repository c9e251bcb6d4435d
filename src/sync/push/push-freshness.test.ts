// Invariant: push writes each updated row with one call when one freshness query proves Notion
// has not changed it since the store's snapshot; rows changed in Notion since are read and merged
// as before (one-sided changes merge, same-property changes are conflicts, a trashed page is a
// conflict), and during a long push the check is re-run once it is older than
// `freshnessCheckMs`, so a person's edit made mid-push is merged or parked, not overwritten.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPushFixture, PUSH_TEST_START_MS, title } from '../test-support/push-fixture.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-file');

async function setup(factory: (typeof factories)[number], rows: number) {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({ clock });
  const f = await createPushFixture(factory, emu, clock, {
    rows,
    engine: { freshnessCheckMs: 60_000 },
  });
  // The rows were last edited well before the pull that becomes the push's snapshot.
  await clock.advance(10 * 60_000);
  expect((await f.engine.pull()).ok).toBe(true);
  await clock.advance(5 * 60_000);
  const live = async (pageId: string) =>
    (await emu.client().pages.retrieve({ page_id: pageId })) as unknown as {
      in_trash: boolean;
      properties: { N: { number: number | null }; Name: { title: { plain_text: string }[] } };
    };
  return { ...f, emu, live };
}

describe.each(factories)('push freshness on $name', (factory) => {
  it('writes 100 updates in at most 105 calls; rows changed in Notion are read and merged', async () => {
    const f = await setup(factory, 100);
    for (const [i, id] of f.ids.entries())
      await f.engine.records.update('tasks', id, { N: 1000 + i });
    f.emu.control.editAsUser(f.ids[5]!, { Name: title('renamed in Notion') });
    f.emu.control.editAsUser(f.ids[7]!, { N: { number: -7 } });
    const mark = f.logLength();
    const pushed = await f.engine.push();
    expect(pushed.sources[0]!.counts).toMatchObject({ updated: 99, conflicts: 1, failed: 0 });
    const calls = f.emu.control.requestLog().slice(mark);
    expect(calls.length).toBeLessThanOrEqual(105);
    // Only the two rows Notion changed were read.
    expect(calls.filter((c) => c.method === 'GET').length).toBe(2);
    expect((await f.live(f.ids[5]!)).properties).toMatchObject({
      N: { number: 1005 },
      Name: { title: [{ plain_text: 'renamed in Notion' }] },
    });
    expect((await f.live(f.ids[7]!)).properties.N.number).toBe(-7);
    expect(pushed.openConflicts).toBe(1);

    await f.clock.advance(5 * 60_000);
    const pulled = await f.engine.pull();
    // Our own writes are no remote edits; the rename came with the write's answer.
    expect(pulled.sources[0]!.counts.updated).toBe(0);
  });

  it('re-runs the check during a long push: an edit made mid-push is parked, not overwritten', async () => {
    const f = await setup(factory, 30);
    for (const [i, id] of f.ids.entries())
      await f.engine.records.update('tasks', id, { N: 500 + i });
    let writes = 0;
    f.notion.onRequest((r) => {
      if (r.method !== 'PATCH' || ++writes !== 10) return;
      // A person edits row 25 after the first check, then more than a minute passes.
      f.emu.control.editAsUser(f.ids[25]!, { N: { number: -25 } });
      void f.clock.advance(61_000);
    });
    const pushed = await f.engine.push();
    expect(pushed.sources[0]!.counts).toMatchObject({ updated: 29, conflicts: 1 });
    expect((await f.live(f.ids[25]!)).properties.N.number).toBe(-25);
    const [conflict] = await f.engine.conflicts.list({ source: 'tasks' });
    expect(conflict!.conflict).toMatchObject({ notionValue: -25, localValue: 525 });
  });

  it('a row trashed in Notion since the snapshot is a conflict, never written or restored', async () => {
    const f = await setup(factory, 5);
    await f.engine.records.update('tasks', f.ids[2]!, { N: 77 });
    await f.emu.client().pages.update({ page_id: f.ids[2]!, in_trash: true });
    const pushed = await f.engine.push();
    expect(pushed.openConflicts).toBe(1);
    expect(pushed.sources[0]!.counts.updated).toBe(0);
    const page = await f.live(f.ids[2]!);
    expect(page.in_trash).toBe(true);
    expect(page.properties.N.number).toBe(2);
  });
});
