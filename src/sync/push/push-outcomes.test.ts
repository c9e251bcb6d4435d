// What a push run reports and settles, on SQLite and PostgreSQL. Invariants checked: items that
// failed and wait for a retry are counted with the time the next is due (also when a rerun finds
// only not-yet-due items); keeping the local side of a page whose trash was emptied ends the
// conflict — the row becomes a `missing` tombstone with its values in history — instead of
// parking the same conflict again; whole-page conflicts show values by property name.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPushFixture, PUSH_TEST_START_MS } from '../test-support/push-fixture.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-file');

async function setup(factory: (typeof factories)[number]) {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({ clock });
  const f = await createPushFixture(factory, emu, clock);
  expect((await f.engine.pull()).ok).toBe(true);
  return { ...f, emu };
}

describe.each(factories)('push outcomes on $name', (factory) => {
  it('reports items that failed and wait for a retry, and when the next is due', async () => {
    const f = await setup(factory);
    await f.engine.records.update('tasks', f.ids[0]!, { N: 30 });
    await f.engine.records.update('tasks', f.ids[1]!, { N: 31 });
    f.emu.control.setFaults([{ route: 'PATCH /v1/pages/{id}', status: 500 }]);
    const first = (await f.engine.push()).sources[0]!;
    expect(first.counts).toMatchObject({ items: 2, failed: 2, dead: 0 });
    const due = new Date(PUSH_TEST_START_MS + 2_000).toISOString();
    expect(first.waiting).toMatchObject({ items: 2, nextAttemptAt: due });
    expect(first.waiting!.lastError).toContain('500');

    const rerun = (await f.engine.push()).sources[0]!;
    expect(rerun.counts.items).toBe(0);
    expect(rerun.waiting).toMatchObject({ items: 2, nextAttemptAt: due });

    f.emu.control.clearFaults();
    await f.clock.advance(2_000);
    const healed = (await f.engine.push()).sources[0]!;
    expect(healed.counts).toMatchObject({ updated: 2, failed: 0 });
    expect(healed.waiting).toEqual({ items: 0, nextAttemptAt: null, lastError: null });
  });

  it('taking local for a page whose trash was emptied tombstones it instead of looping', async () => {
    const f = await setup(factory);
    await f.engine.records.update('tasks', f.ids[1]!, { N: 3333 });
    await f.emu.client().pages.update({ page_id: f.ids[1]!, in_trash: true });
    expect((await f.engine.push()).openConflicts).toBe(1);
    const [open] = await f.engine.conflicts.list();
    expect(open!.conflict).toMatchObject({ notionValue: 'trashed', localValue: { N: 3333 } });
    f.emu.control.emptyTrash();
    await f.engine.conflicts.resolve(open!.conflict.id, { take: 'local' });
    const notices: string[] = [];
    const pushed = await f.engine.push(undefined, { onNotice: (m) => notices.push(m) });
    expect(pushed.openConflicts).toBe(0);
    expect(pushed.sources[0]!.conflicts).toEqual([]);
    expect(notices.join('\n')).toContain('gone for good');
    const [history] = await f.engine.history(f.ids[1]!);
    expect(history!.tombstone).toBe('missing');
    const n = Object.entries(history!.names).find(([, name]) => name === 'N')![0];
    expect(history!.versions.at(-1)!.version.fields[n]).toBe(3333);
    const mark = f.logLength();
    expect((await f.engine.push()).openConflicts).toBe(0);
    expect(f.writesSince(mark)).toBe(0);
  });
});
