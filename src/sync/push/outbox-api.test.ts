// The outbox's way out for dead letters (engine.outbox), on SQLite and PostgreSQL. Invariants
// checked: `set` refuses a status option the snapshot proves Notion refuses; a dropped update
// puts the row back to Notion's values while history keeps the dropped edit; a dropped create
// tombstones its never-created row; an edit is validated like `set` and requeued; a requeued
// create that was attempted before is looked up by its sync key (never duplicated); `new` then
// `rm` before a push sends nothing; the view's `_pending` column shows what waits.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPushFixture, PUSH_TEST_START_MS } from '../test-support/push-fixture.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-file');

async function setup(factory: (typeof factories)[number]) {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({ clock });
  const f = await createPushFixture(factory, emu, clock, { engine: { maxAttempts: 1 } });
  await emu.client().dataSources.update({
    data_source_id: f.dataSourceId,
    properties: { Status: { status: {} } },
  } as Parameters<ReturnType<typeof emu.client>['dataSources']['update']>[0]);
  expect((await f.engine.pull()).ok).toBe(true);
  const live = async (pageId: string) =>
    (await emu.client().pages.retrieve({ page_id: pageId })) as unknown as {
      properties: { N: { number: number | null }; Tag: { select: { name: string } | null } };
    };
  const schema = f.testStore.schema;
  const view = async (name = 'tasks') =>
    (
      await sql<
        Record<string, unknown>
      >`select * from ${sql.table(schema ? `${schema}.${name}` : name)} order by name`.execute(
        f.store.db,
      )
    ).rows;
  const failWrites = () =>
    emu.control.setFaults([
      { route: 'PATCH /v1/pages/{id}', status: 503 },
      { route: 'POST /v1/pages', status: 503 },
    ]);
  return { ...f, emu, live, view, failWrites };
}

describe.each(factories)('outbox dead letters on $name', (factory) => {
  it('set refuses a status option the snapshot lacks (listing the valid ones); select stays open', async () => {
    const f = await setup(factory);
    const refused = f.engine.records.update('tasks', f.ids[0]!, { Status: 'Bogus', N: 5 });
    await expect(refused).rejects.toMatchObject({
      code: 'value_invalid',
      details: { property: 'Status', options: ['Not started', 'In progress', 'Done'] },
    });
    expect(await f.store.outbox.list()).toEqual([]);
    await f.engine.records.update('tasks', f.ids[0]!, { Status: 'Done', Tag: 'new option' });
    expect((await f.engine.push()).ok).toBe(true);
    expect((await f.live(f.ids[0]!)).properties.Tag.select?.name).toBe('new option');
  });

  it('drop of a dead update puts the row back to Notion and keeps the edit in history', async () => {
    const f = await setup(factory);
    await f.engine.records.update('tasks', f.ids[1]!, { N: 77, Tag: 'b' });
    f.failWrites();
    const pushed = await f.engine.push();
    expect(pushed.sources[0]!.counts.dead).toBe(1);
    const [dead] = await f.engine.outbox.list({ state: 'dead' });
    expect(dead).toMatchObject({ source: 'tasks', pageId: f.ids[1], values: { N: 77, Tag: 'b' } });
    expect((await f.view()).map((r) => [Number(r.n), r._pending])).toEqual([
      [0, null],
      [77, 'dead'],
      [2, null],
    ]);
    f.emu.control.clearFaults();
    const [dropped] = await f.engine.outbox.drop([dead!.item.id]);
    expect(dropped!.record).toBe('reverted');
    expect(dropped!.entry.item.state).toBe('dropped');
    expect((await f.view()).map((r) => [Number(r.n), r._pending])).toEqual([
      [0, null],
      [1, null],
      [2, null],
    ]);
    const [history] = await f.engine.history(f.ids[1]!);
    expect(history!.versions.map((v) => v.version.origin)).toEqual(['notion', 'local']);
    const mark = f.logLength();
    await f.engine.push();
    expect(f.writesSince(mark)).toBe(0);
    await expect(f.engine.outbox.drop([dead!.item.id])).rejects.toMatchObject({
      code: 'store_invalid_state',
    });
  });

  it('drop of a dead create removes the row that never reached Notion', async () => {
    const f = await setup(factory);
    await f.engine.push(undefined, {}); // nothing queued: no key property yet either
    const edit = await f.engine.records.create('tasks', { Name: 'doomed', N: 9 });
    f.failWrites();
    await f.engine.push();
    f.emu.control.clearFaults();
    const [dropped] = await f.engine.outbox.drop([edit.outboxId]);
    expect(dropped!.record).toBe('tombstoned');
    expect((await f.store.records.get(edit.record.id))!.tombstone).toBe('missing');
    expect((await f.view()).map((r) => r.name)).toEqual(['r0', 'r1', 'r2']);
    const all = await f.view('tasks_all');
    expect(all.find((r) => r.name === 'doomed')).toMatchObject({ _tombstone: 'missing' });
  });

  it('edit rewrites a dead item (checked like set), requeues it, and push writes it', async () => {
    const f = await setup(factory);
    await f.engine.records.update('tasks', f.ids[2]!, { N: 50, Tag: 'a' });
    f.failWrites();
    await f.engine.push();
    f.emu.control.clearFaults();
    const [dead] = await f.engine.outbox.list({ state: 'dead' });
    await expect(f.engine.outbox.edit(dead!.item.id, { Status: 'Bogus' })).rejects.toMatchObject({
      code: 'value_invalid',
    });
    const edited = await f.engine.outbox.edit(dead!.item.id, { N: 51 }, { unset: ['Tag'] });
    expect(edited).toMatchObject({ values: { N: 51 }, item: { state: 'pending', attempts: 0 } });
    const row = (await f.view()).find((r) => r._pending !== null);
    expect([Number(row?.n), row?.tag, row?._pending]).toEqual([51, null, 'pending']);
    expect((await f.engine.push()).ok).toBe(true);
    const page = await f.live(f.ids[2]!);
    expect(page.properties.N.number).toBe(51);
    expect(page.properties.Tag.select).toBeNull();
  });

  it('requeue retries a dead create that may have been applied by looking its key up first', async () => {
    const f = await setup(factory);
    await f.engine.records.create('tasks', { Name: 'warm-up' });
    await f.engine.push(); // adds the sync key property
    const edit = await f.engine.records.create('tasks', { Name: 'ambiguous', N: 3 });
    // The create applies but its answer is lost, and the confirming lookup fails too: dead.
    f.emu.control.setFaults([
      { route: 'POST /v1/pages', applyThenFail: 504, count: 1 },
      { route: 'POST /v1/data_sources/{id}/query', status: 503, count: 4 },
    ]);
    expect((await f.engine.push()).sources[0]!.counts.dead).toBe(1);
    f.emu.control.clearFaults();
    const requeued = await f.engine.outbox.requeue([edit.outboxId]);
    expect(requeued.map((e) => e.item.state)).toEqual(['pending']);
    const pushed = await f.engine.push();
    expect(pushed.sources[0]!.counts).toMatchObject({ adopted: 1, created: 0 });
    const rows = await f.emu.client().dataSources.query({ data_source_id: f.dataSourceId });
    expect(rows.results).toHaveLength(5);
    await expect(f.engine.outbox.requeue([edit.outboxId])).rejects.toMatchObject({
      code: 'store_invalid_state',
    });
  });

  it('new then rm before a push cancels out: nothing reaches Notion, history stays', async () => {
    const f = await setup(factory);
    const created = await f.engine.records.create('tasks', { Name: 'never mind', N: 1 });
    const removed = await f.engine.records.delete('tasks', created.record.localKey);
    expect(removed.cancelled).toBe(true);
    expect((await f.store.outbox.get(created.outboxId))!.state).toBe('dropped');
    expect((await f.store.records.get(created.record.id))!.tombstone).toBe('missing');
    expect(await f.engine.outbox.list()).toEqual([]);
    const mark = f.logLength();
    await f.engine.push();
    expect(f.writesSince(mark)).toBe(0);
    const versions = await f.store.history.listVersions(created.record.id);
    expect(versions.map((v) => v.origin)).toEqual(['local', 'local']);

    // Once a create was attempted it may exist in Notion: the delete is queued, not cancelled.
    const tried = await f.engine.records.create('tasks', { Name: 'tried', N: 2 });
    f.failWrites();
    await f.engine.push();
    f.emu.control.clearFaults();
    await f.engine.outbox.requeue('all');
    const queued = await f.engine.records.delete('tasks', tried.record.localKey);
    expect(queued.cancelled).toBeUndefined();
  });
});
