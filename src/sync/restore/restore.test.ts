// restore against the emulator on SQLite and PostgreSQL. Invariants: after `restore <source>
// --as-of T`, every writable property in Notion equals the stored value at T (property by
// property), pages created after T are trashed and pages trashed since are back, no page is
// duplicated, writes stay within 1.05 × the changed pages, and the run (trigger `restore`)
// is named by the versions it wrote; a dry run writes nothing; a time before the first pull
// names the earliest point.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPushFixture, PUSH_TEST_START_MS, title } from '../test-support/push-fixture.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-file');
const ROWS = 300;

async function setup(factory: (typeof factories)[number], direction: 'pull' | 'both' = 'pull') {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({ clock });
  // A pull-only source by default: restoring a backup must not need `direction: both`.
  const f = await createPushFixture(factory, emu, clock, { rows: ROWS, source: { direction } });
  expect((await f.engine.pull()).ok).toBe(true);
  await clock.advance(60_000);
  const before = new Date(clock.now()).toISOString();
  await clock.advance(60_000);
  return { ...f, emu, before };
}

async function liveRows(f: Awaited<ReturnType<typeof setup>>) {
  const out: {
    id: string;
    in_trash: boolean;
    N: number | null;
    Tag: string | null;
    Name: string;
  }[] = [];
  let cursor: string | undefined;
  do {
    const page = (await f.emu.client().dataSources.query({
      data_source_id: f.dataSourceId,
      page_size: 100,
      ...(cursor ? { start_cursor: cursor } : {}),
    })) as unknown as {
      results: {
        id: string;
        in_trash: boolean;
        properties: {
          N: { number: number | null };
          Tag: { select: { name: string } | null };
          Name: { title: { plain_text: string }[] };
        };
      }[];
      has_more: boolean;
      next_cursor: string | null;
    };
    for (const r of page.results)
      out.push({
        id: r.id,
        in_trash: r.in_trash,
        N: r.properties.N.number,
        Tag: r.properties.Tag.select?.name ?? null,
        Name: r.properties.Name.title.map((t) => t.plain_text).join(''),
      });
    cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
  } while (cursor);
  return out;
}

describe.each(factories)('restore on $name', (factory) => {
  it('puts 300 corrupted rows back as they were, without duplicates, about one write each', async () => {
    const f = await setup(factory);
    const original = await liveRows(f);
    for (const [i, id] of f.ids.entries())
      f.emu.control.editAsUser(id, { N: { number: -i }, Tag: { select: { name: 'b' } } });
    const created = await f.emu.client().pages.create({
      parent: { data_source_id: f.dataSourceId },
      properties: { Name: title('added later') },
    } as never);
    await f.emu.client().pages.update({ page_id: f.ids[7]!, in_trash: true });
    await f.clock.advance(5 * 60_000);

    const dry = await f.engine.restore({ source: 'tasks', asOf: f.before }, { dryRun: true });
    expect(dry.applied).toBe(false);
    expect(dry.plan.changes.filter((c) => c.action === 'update')).toHaveLength(ROWS - 1);
    expect(dry.plan.changes.filter((c) => c.action !== 'update')).toMatchObject([
      { pageId: f.ids[7], action: 'untrash' },
      { pageId: created.id, action: 'trash', properties: [] },
    ]);
    expect((await liveRows(f)).find((r) => r.id === f.ids[1])!.N).toBe(-1);

    const mark = f.logLength();
    const result = await f.engine.restore({ source: 'tasks', asOf: f.before });
    expect(result.applied).toBe(true);
    expect(result.push!.status).toBe('ok');
    const writes = f.writesSince(mark);
    expect(writes).toBeLessThanOrEqual(Math.ceil(1.05 * result.plan.changes.length) + 1);

    const now = await liveRows(f);
    expect(now.filter((r) => !r.in_trash)).toHaveLength(ROWS);
    expect(new Set(now.map((r) => r.id)).size).toBe(now.length);
    for (const row of original) {
      const live = now.find((r) => r.id === row.id)!;
      expect({ N: live.N, Tag: live.Tag, Name: live.Name, in_trash: live.in_trash }).toEqual({
        N: row.N,
        Tag: row.Tag,
        Name: row.Name,
        in_trash: false,
      });
    }
    expect(now.find((r) => r.id === created.id)).toBeUndefined();

    // Property by property, the store's values now equal its values at that time.
    const source = (await f.store.sources.getByName('tasks'))!;
    const rows = await f.store.pointInTime.listAsOf(source.id, f.before);
    for (const { record, atTime, now: current } of rows) {
      if (!atTime) continue;
      for (const p of Object.values(source.schema.properties))
        if (p.type !== 'formula') expect(current!.fields[p.id]).toEqual(atTime.fields[p.id]);
      expect(record.tombstone).toBeNull();
    }
    const run = (await f.engine.runs({ source: 'tasks', limit: 5 })).find(
      (r) => r.id === result.runId,
    )!;
    expect(run).toMatchObject({ kind: 'push', trigger: 'restore', status: 'ok' });
    const [history] = await f.engine.history(f.ids[3]!);
    expect(history!.versions.at(-1)!.version).toMatchObject({ runId: run.id, trigger: 'restore' });

    const again = await f.engine.restore({ source: 'tasks', asOf: f.before }, { dryRun: true });
    expect(again.plan.changes).toEqual([]);
  });

  it('restores one page to a version, and refuses a time before the history', async () => {
    const f = await setup(factory);
    f.emu.control.editAsUser(f.ids[2]!, { N: { number: 77 } });
    await f.clock.advance(5 * 60_000);
    await f.engine.pull();
    const result = await f.engine.restore({ page: f.ids[2]!, toVersion: 1 });
    expect(result.plan.changes).toMatchObject([
      { action: 'update', properties: [{ name: 'N', now: 77, restored: 2 }] },
    ]);
    expect((await liveRows(f)).find((r) => r.id === f.ids[2])!.N).toBe(2);
    await expect(
      f.engine.restore({ source: 'tasks', asOf: '2020-01-01T00:00:00Z' }),
    ).rejects.toMatchObject({
      code: 'restore_before_history',
      details: { earliest: expect.any(String) },
    });
  });

  it('pushes a pending local edit of a row first, then restores the row', async () => {
    const f = await setup(factory, 'both');
    await f.engine.records.update('tasks', f.ids[4]!, { Name: 'renamed locally' });
    f.emu.control.editAsUser(f.ids[4]!, { N: { number: 1000 } });
    f.emu.control.editAsUser(f.ids[5]!, { N: { number: 1000 } });
    await f.clock.advance(5 * 60_000);
    const result = await f.engine.restore({ source: 'tasks', asOf: f.before });
    expect(result.plan.changes.map((c) => [c.pageId, c.action])).toEqual([
      [f.ids[4], 'pending_edit'],
      [f.ids[5], 'update'],
    ]);
    const rows = await liveRows(f);
    expect(
      rows.filter((r) => [f.ids[4], f.ids[5]].includes(r.id)).map((r) => [r.N, r.Name]),
    ).toEqual([
      [4, 'r4'],
      [5, 'r5'],
    ]);
    // The edit went out first (it is in the history), then the row was put back as of then.
    const schema = (await f.store.sources.getByName('tasks'))!.schema;
    const titleId = Object.values(schema.properties).find((p) => p.type === 'title')!.id;
    const [history] = await f.engine.history(f.ids[4]!);
    const pushed = history!.versions
      .filter((e) => e.version.origin === 'push')
      .map((e) => [e.version.fields[titleId], e.version.trigger]);
    expect(pushed).toEqual([
      ['renamed locally', 'restore'],
      ['r4', 'restore'],
    ]);
    expect(await f.store.outbox.list({ state: 'pending' })).toEqual([]);
  });
});
