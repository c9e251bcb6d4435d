// Invariant: a property added to or removed from a data source's schema that is empty in a row
// makes no new version of that row — whether push adds its sync key or a person adds or removes
// a column — even when every row is read again (`pull --full`); the schema change itself is
// recorded exactly once.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { DEFAULT_SYNC_KEY_PROPERTY } from '../push/push-types.ts';
import { createPushFixture, PUSH_TEST_START_MS } from '../test-support/push-fixture.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-file');

async function setup(factory: (typeof factories)[number]) {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({ clock });
  const f = await createPushFixture(factory, emu, clock, { rows: 20 });
  expect((await f.engine.pull()).ok).toBe(true);
  const source = async () => (await f.store.sources.getByName('tasks'))!;
  const versionsOfSeeded = async () => {
    const id = (await source()).id;
    let total = 0;
    for (const pageId of f.ids) {
      const record = await f.store.records.findByPageId(id, pageId);
      total += (await f.store.history.listVersions(record!.id)).length;
    }
    return total;
  };
  const changesOf = async (propertyName: string) =>
    (await f.store.sources.listSchemaChanges((await source()).id)).filter(
      (c) => (c.after ?? c.before)?.name === propertyName,
    );
  return { ...f, emu, source, versionsOfSeeded, changesOf };
}

describe.each(factories)('schema changes without false versions on $name', (factory) => {
  it('the sync key property arriving with the first pushed create writes 0 row versions', async () => {
    const f = await setup(factory);
    expect(await f.versionsOfSeeded()).toBe(20);
    await f.engine.records.create('tasks', { Name: 'new row', N: 99 });
    const pushed = await f.engine.push();
    expect(pushed.sources[0]!.counts.created).toBe(1);
    await f.clock.advance(30_000);
    // The rows are still in an unsettled minute, so this pull reads every one of them again.
    const pulled = await f.engine.pull();
    expect(pulled.sources[0]!.counts).toMatchObject({ updated: 0, created: 0 });
    await f.clock.advance(5 * 60_000);
    const full = await f.engine.pull(undefined, { full: true });
    expect(full.sources[0]!.counts).toMatchObject({ updated: 0, created: 0 });
    expect(await f.versionsOfSeeded()).toBe(20);
    expect((await f.changesOf(DEFAULT_SYNC_KEY_PROPERTY)).map((c) => c.change)).toEqual(['added']);
  });

  it('a column a person adds, then removes, empty in every row, writes 0 row versions', async () => {
    const f = await setup(factory);
    const notion = f.emu.client();
    await notion.dataSources.update({
      data_source_id: f.dataSourceId,
      properties: { Notes: { rich_text: {} }, Done: { checkbox: {} } },
    } as never);
    await f.clock.advance(5 * 60_000);
    const added = await f.engine.pull(undefined, { full: true });
    expect(added.sources[0]!.counts).toMatchObject({ updated: 0, created: 0 });
    expect(await f.engine.pull(undefined, { full: true })).toBeTruthy();
    expect((await f.changesOf('Notes')).map((c) => c.change)).toEqual(['added']);

    await notion.dataSources.update({
      data_source_id: f.dataSourceId,
      properties: { Notes: null, Done: null },
    } as never);
    await f.clock.advance(5 * 60_000);
    const removed = await f.engine.pull(undefined, { full: true });
    expect(removed.sources[0]!.counts).toMatchObject({ updated: 0, created: 0 });
    expect(await f.versionsOfSeeded()).toBe(20);
    expect((await f.changesOf('Done')).map((c) => c.change)).toEqual(['added', 'removed']);
  });
});
