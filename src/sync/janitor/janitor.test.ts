// janitor against the emulator on SQLite and PostgreSQL. Invariants: `keepVersions: n` keeps
// exactly the newest n versions of each record plus any version an outbox item or conflict
// refers to, never a record's only version, and history still reads; a dry run deletes nothing;
// duplicate pages carrying one sync key (an apply-then-fail create of another tool) are found,
// and with `trashDuplicates` all but one are trashed.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { DEFAULT_SYNC_KEY_PROPERTY } from '../push/push-types.ts';
import { createPushFixture, PUSH_TEST_START_MS, title } from '../test-support/push-fixture.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-file');

async function setup(factory: (typeof factories)[number]) {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({ clock, faultSeed: 3 });
  const f = await createPushFixture(factory, emu, clock, {
    rows: 3,
    source: { retention: { keepVersions: 3 } },
  });
  expect((await f.engine.pull()).ok).toBe(true);
  const source = (await f.store.sources.getByName('tasks'))!;
  const versionsOf = async (pageId: string) => {
    const record = await f.store.records.findByPageId(source.id, pageId);
    return (await f.store.history.listVersions(record!.id)).map((v) => v.seq);
  };
  return { ...f, emu, source, versionsOf };
}

describe.each(factories)('janitor on $name', (factory) => {
  it('keeps the newest 3 versions and the ones a conflict refers to; history still reads', async () => {
    const f = await setup(factory);
    // Row 1: a local edit that conflicts with Notion — its version stays with the conflict.
    await f.engine.records.update('tasks', f.ids[1]!, { N: 500 });
    f.emu.control.editAsUser(f.ids[1]!, { N: { number: 600 } });
    expect((await f.engine.push()).openConflicts).toBe(1);
    const [open] = await f.engine.conflicts.list();
    const conflictVersion = (await f.store.outbox.get(open!.conflict.outboxId!))!.versionId;
    for (let i = 1; i <= 9; i++) {
      f.emu.control.editAsUser(f.ids[0]!, { N: { number: 100 + i } });
      f.emu.control.editAsUser(f.ids[1]!, { Name: title(`r1 v${i}`) });
      await f.clock.advance(5 * 60_000);
      expect((await f.engine.pull()).ok).toBe(true);
    }
    expect(await f.versionsOf(f.ids[0]!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const before1 = await f.versionsOf(f.ids[1]!);

    const dry = await f.engine.janitor({ dryRun: true, skipDuplicates: true });
    expect(dry.versions).toEqual([
      { source: 'tasks', keepVersions: 3, keepDays: null, pruned: 7 + (before1.length - 4) },
    ]);
    expect(await f.versionsOf(f.ids[0]!)).toHaveLength(10);

    const report = await f.engine.janitor({ skipDuplicates: true, batchSize: 4 });
    expect(report.versions[0]!.pruned).toBe(dry.versions[0]!.pruned);
    expect(await f.versionsOf(f.ids[0]!)).toEqual([8, 9, 10]);
    const kept1 = await f.store.history.listVersions(
      (await f.store.records.findByPageId(f.source.id, f.ids[1]!))!.id,
    );
    expect(kept1.map((v) => v.id)).toContain(conflictVersion);
    expect(kept1.slice(-3).map((v) => v.seq)).toEqual(before1.slice(-3));
    // A row never edited keeps its only version.
    expect(await f.versionsOf(f.ids[2]!)).toEqual([1]);
    const [history] = await f.engine.history(f.ids[0]!, { diff: true });
    expect(history!.versions.map((e) => e.version.seq)).toEqual([8, 9, 10]);
    expect(history!.versions[2]!.changes!.map((c) => c.after)).toContain(109);
    // The conflict still resolves against its stored values.
    await f.engine.conflicts.resolve(open!.conflict.id, { take: 'local' });
    expect((await f.engine.push()).openConflicts).toBe(0);
  });

  it('finds the duplicate an apply-then-fail create left and trashes the extra with trashDuplicates', async () => {
    const f = await setup(factory);
    await f.emu.client().dataSources.update({
      data_source_id: f.dataSourceId,
      properties: { [DEFAULT_SYNC_KEY_PROPERTY]: { rich_text: {} } },
    } as never);
    // Another tool creates a page; the answer is lost after the write, so it creates again.
    const other = f.emu.client();
    const body = {
      parent: { data_source_id: f.dataSourceId },
      properties: {
        Name: title('made elsewhere'),
        [DEFAULT_SYNC_KEY_PROPERTY]: { rich_text: [{ text: { content: 'key-1' } }] },
      },
    };
    f.emu.control.setFaults([
      { method: 'POST', route: 'POST /v1/pages', applyThenFail: 504, count: 1 },
    ]);
    await expect(other.pages.create(body as never)).rejects.toBeDefined();
    f.emu.control.clearFaults();
    await other.pages.create(body as never);
    await f.clock.advance(5 * 60_000);
    await f.engine.pull();

    const found = await f.engine.janitor({ dryRun: true });
    expect(found.duplicates).toHaveLength(1);
    const group = found.duplicates[0]!;
    expect(group).toMatchObject({ source: 'tasks', syncKey: 'key-1', trashed: false });
    expect(group.extras).toHaveLength(1);

    const done = await f.engine.janitor({ trashDuplicates: true });
    expect(done.duplicates[0]!.trashed).toBe(true);
    const extra = (await f.emu.client().pages.retrieve({ page_id: group.extras[0]! })) as {
      in_trash: boolean;
    };
    const kept = (await f.emu.client().pages.retrieve({ page_id: group.keep })) as {
      in_trash: boolean;
    };
    expect([extra.in_trash, kept.in_trash]).toEqual([true, false]);
    expect((await f.engine.janitor({ dryRun: true })).duplicates).toEqual([]);
    const run = (await f.store.runs.get(done.runId))!;
    expect(run).toMatchObject({ kind: 'janitor', status: 'ok' });
    expect(run.counts.duplicatesTrashed).toBe(1);
    expect(run.apiCalls['PATCH /v1/pages/{id}']).toBe(1);
  });
});
