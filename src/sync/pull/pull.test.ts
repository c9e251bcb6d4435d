// Invariant: an incremental pull writes exactly one new version per real change — the overlap
// window, same-minute edits and repeated pulls never create duplicates — and every batch is
// committed with its checkpoint. Runs on every store dialect against the emulator.
import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { createManualClock, type ManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness } from '../test-support/pull-harness.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });
const isQuery = (e: { method: string; path: string }) =>
  e.method === 'POST' && /^\/v1\/data_sources\/[^/]+\/query$/.test(e.path);

async function seededEmulator(
  rows: number,
): Promise<{ emu: Emulator; clock: ManualClock; dsId: string; ids: string[] }> {
  const clock = createManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  const emu = await createEmulator({ clock });
  const dsId = await createDataSource(emu.client(), emu.rootPageId, {
    Name: { title: {} },
    Count: { number: {} },
    Stage: { select: { options: [{ name: 'todo' }, { name: 'done' }] } },
  });
  const ids = emu.control.bulkCreatePages(
    dsId,
    Array.from({ length: rows }, (_, i) => ({ Name: title(`row ${i}`), Count: { number: i } })),
  );
  await clock.advance(10 * 60_000);
  return { emu, clock, dsId, ids };
}

const queryCalls = (emu: Emulator) => emu.control.requestLog().filter(isQuery).length;

describe.each(storeFactories())('pull on $name', (factory) => {
  it('copies every row, then an incremental pull writes exactly one version per edit', async () => {
    const { emu, clock, dsId, ids } = await seededEmulator(250);
    const h = await createPullHarness(factory, emu, [{ name: 'tasks', dataSource: dsId }], clock);
    const first = await h.engine.pull(['tasks'], { trigger: 'test' });
    expect(first.ok).toBe(true);
    expect(first.sources[0]).toMatchObject({
      status: 'ok',
      mode: 'full',
      counts: { created: 250, updated: 0 },
    });
    expect(await h.store.records.count((await h.store.sources.getByName('tasks'))!.id)).toEqual({
      live: 250,
      tombstoned: 0,
    });

    await clock.advance(5 * 60_000);
    for (const id of ids.slice(0, 10)) emu.control.editAsUser(id, { Count: { number: -1 } });
    await clock.advance(30_000);
    emu.control.clearRequestLog();
    const second = await h.engine.pull(['tasks'], { trigger: 'test' });
    expect(second.sources[0]).toMatchObject({
      status: 'ok',
      mode: 'incremental',
      counts: { created: 0, updated: 10 },
    });
    // The incremental query and the trash listing.
    expect(queryCalls(emu)).toBe(2);

    const history = await h.engine.history(ids[0]!, { diff: true });
    expect(history[0]!.versions.map((v) => v.version.seq)).toEqual([1, 2]);
    expect(history[0]!.versions[1]!.changes).toEqual([
      expect.objectContaining({ name: 'Count', before: 0, after: -1 }),
    ]);
    expect(history[0]!.versions[1]!.version).toMatchObject({
      trigger: 'test',
      runId: second.sources[0]!.runId,
    });
    expect(history[0]!.versions[1]!.version.requestId).toEqual(expect.any(String));

    await clock.advance(5 * 60_000);
    const third = await h.engine.pull(['tasks']);
    expect(third.sources[0]!.counts).toMatchObject({ created: 0, updated: 0 });
  });

  it('captures 200 edits made within one minute across two pulls, with no duplicate version', async () => {
    const { emu, clock, dsId, ids } = await seededEmulator(200);
    const h = await createPullHarness(factory, emu, [{ name: 'tasks', dataSource: dsId }], clock);
    await h.engine.pull(['tasks']);
    await clock.advance(60_000 - (clock.now() % 60_000)); // the start of a fresh minute
    for (const id of ids.slice(0, 100)) emu.control.editAsUser(id, { Count: { number: 1000 } });
    await clock.advance(10_000);
    const mid = await h.engine.pull(['tasks']);
    await clock.advance(10_000);
    // Same minute: these rows keep the last_edited_time the previous pull already stored.
    for (const id of ids.slice(0, 100)) emu.control.editAsUser(id, { Count: { number: 2000 } });
    await clock.advance(10_000);
    const last = await h.engine.pull(['tasks']);
    expect(mid.sources[0]!.counts.updated + last.sources[0]!.counts.updated).toBe(200);
    const source = (await h.store.sources.getByName('tasks'))!;
    const countId = Object.values(source.schema.properties).find((p) => p.name === 'Count')!.id;
    for (const [i, id] of ids.slice(0, 100).entries()) {
      const record = await h.store.records.findByPageId(source.id, id);
      const versions = await h.store.history.listVersions(record!.id);
      expect(versions.map((v) => v.fields[countId])).toEqual([i, 1000, 2000]);
    }
  });
  it('reads content only for rows that may have changed, and all of it with --full', async () => {
    const { emu, clock, dsId, ids } = await seededEmulator(20);
    const notion = emu.client();
    const paragraph = (content: string) => ({ paragraph: { rich_text: [{ text: { content } }] } });
    await notion.blocks.children.append({
      block_id: ids[1]!,
      children: [paragraph('first notes')] as never,
    });
    await clock.advance(10 * 60_000);
    const sources = [{ name: 'docs', dataSource: dsId, content: 'markdown' as const }];
    const h = await createPullHarness(factory, emu, sources, clock);
    emu.control.clearRequestLog();
    await h.engine.pull();
    const markdownCalls = () =>
      emu.control.requestLog().filter((e) => e.path.endsWith('/markdown')).length;
    expect(markdownCalls()).toBe(20);
    const source = (await h.store.sources.getByName('docs'))!;
    const contentOf = async (id: string) => {
      const record = (await h.store.records.findByPageId(source.id, id))!;
      return (await h.store.history.getVersionById(record.currentVersionId!))!.content;
    };
    expect(await contentOf(ids[1]!)).toContain('first notes');

    await clock.advance(5 * 60_000);
    emu.control.editAsUser(ids[2]!, { Count: { number: 5 } });
    await clock.advance(60_000);
    emu.control.clearRequestLog();
    await h.engine.pull();
    expect(markdownCalls()).toBe(1);

    await notion.blocks.children.append({
      block_id: ids[1]!,
      children: [paragraph('more notes')] as never,
    });
    await clock.advance(5 * 60_000);
    const full = await h.engine.pull(undefined, { full: true });
    expect(full.sources[0]!.counts.created).toBe(0);
    expect(await contentOf(ids[1]!)).toContain('more notes');
  });
});
