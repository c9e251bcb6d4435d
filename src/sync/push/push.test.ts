// Push and sync against the emulator, on SQLite and PostgreSQL from one loop. Invariants checked:
// one-sided changes merge; a property changed differently on both sides is a conflict handled by
// the source's policy (parked by default, never silently overwritten); our own writes come back
// on the next pull as no change; a second sync after quiescence writes nothing; local deletes
// trash; remote deletes of locally edited rows are conflicts; failures retry, then dead-letter.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPushFixture, PUSH_TEST_START_MS } from '../test-support/push-fixture.ts';
import type { ConflictPolicy } from './push-types.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-file');

async function setup(
  factory: (typeof factories)[number],
  options: Parameters<typeof createPushFixture>[3] = {},
) {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({ clock, faultSeed: 5 });
  const f = await createPushFixture(factory, emu, clock, options);
  expect((await f.engine.pull()).ok).toBe(true);
  const source = (await f.store.sources.getByName('tasks'))!;
  const idOf = (name: string) =>
    Object.values(source.schema.properties).find((p) => p.name === name)!.id;
  const live = async (pageId: string) =>
    (await emu.client().pages.retrieve({ page_id: pageId })) as unknown as {
      in_trash: boolean;
      properties: { N: { number: number | null }; Name: { title: { plain_text: string }[] } };
    };
  return { ...f, emu, source, idOf, live };
}

describe.each(factories)('push on $name', (factory) => {
  it('merges one-sided changes, suppresses the echo, and a second sync writes nothing', async () => {
    const f = await setup(factory);
    await f.engine.records.update('tasks', f.ids[0]!, { N: 42 });
    f.emu.control.editAsUser(f.ids[0]!, { Name: { title: [{ text: { content: 'renamed' } }] } });
    const pushed = await f.engine.push();
    expect(pushed.sources[0]!.counts).toMatchObject({ updated: 1, conflicts: 0 });
    const page = await f.live(f.ids[0]!);
    expect(page.properties.N.number).toBe(42);
    expect(page.properties.Name.title[0]!.plain_text).toBe('renamed');

    await f.clock.advance(5 * 60_000);
    const pulled = await f.engine.pull();
    // The Notion-side rename arrives; our own N=42 is no remote edit (the push stored it).
    expect(pulled.sources[0]!.counts.updated).toBe(0);
    const mark = f.logLength();
    const again = await f.engine.sync();
    expect(again.ok).toBe(true);
    expect(f.writesSince(mark)).toBe(0);
  });

  it('parks a property changed differently on both sides; resolving local writes it', async () => {
    const f = await setup(factory);
    await f.engine.records.update('tasks', f.ids[1]!, { N: 10, Tag: 'a' });
    f.emu.control.editAsUser(f.ids[1]!, { N: { number: 20 } });
    const pushed = await f.engine.push();
    expect(pushed.openConflicts).toBe(1);
    expect((await f.live(f.ids[1]!)).properties.N.number).toBe(20);
    const [open] = await f.engine.conflicts.list();
    expect(open!.conflict).toMatchObject({
      propertyName: 'N',
      notionValue: 20,
      localValue: 10,
      baseValue: 1,
    });
    // The other property merged.
    const tag = (await f.emu.client().pages.retrieve({ page_id: f.ids[1]! })) as unknown as {
      properties: { Tag: { select: { name: string } | null } };
    };
    expect(tag.properties.Tag.select?.name).toBe('a');

    await f.engine.conflicts.resolve(open!.conflict.id, { take: 'local' });
    const second = await f.engine.push();
    expect(second.openConflicts).toBe(0);
    expect((await f.live(f.ids[1]!)).properties.N.number).toBe(10);
  });

  it.each<[ConflictPolicy, number]>([
    ['notion-wins', 20],
    ['local-wins', 10],
    ['last-write-wins', 10],
  ])(
    'policy %s decides a conflict (N ends at %i) and records it resolved',
    async (policy, expected) => {
      const f = await setup(factory, { policy });
      f.emu.control.editAsUser(f.ids[1]!, { N: { number: 20 } });
      await f.clock.advance(2 * 60_000);
      await f.engine.records.update('tasks', f.ids[1]!, { N: 10 });
      const pushed = await f.engine.push();
      expect(pushed.openConflicts).toBe(0);
      expect((await f.live(f.ids[1]!)).properties.N.number).toBe(expected);
      const all = await f.engine.conflicts.list({ state: 'all' });
      expect(all.map((c) => c.conflict.resolvedBy)).toEqual([`policy:${policy}`]);
    },
  );

  it('--force overwrites after a preview lists what it overwrites', async () => {
    const f = await setup(factory);
    f.emu.control.editAsUser(f.ids[2]!, { N: { number: 99 } });
    await f.engine.records.update('tasks', f.ids[2]!, { N: 7 });
    const preview = await f.engine.push(undefined, { preview: true, force: true });
    expect(preview.sources[0]!.overwritten.map((o) => [o.notion, o.local])).toEqual([[99, 7]]);
    expect((await f.live(f.ids[2]!)).properties.N.number).toBe(99);
    await f.engine.push(undefined, { force: true });
    expect((await f.live(f.ids[2]!)).properties.N.number).toBe(7);
  });

  it('refuses computed properties and malformed values before anything is stored', async () => {
    const f = await setup(factory);
    await expect(f.engine.records.update('tasks', f.ids[0]!, { Double: 3 })).rejects.toMatchObject({
      code: 'value_invalid',
    });
    await expect(f.engine.records.update('tasks', f.ids[0]!, { N: 'x' })).rejects.toMatchObject({
      code: 'value_invalid',
    });
    expect(await f.store.outbox.list()).toEqual([]);
  });

  it('creates with a sync key (property added with a notice) and a dry run plans without calls', async () => {
    const f = await setup(factory);
    await f.engine.records.create('tasks', { Name: 'fresh', N: 5 });
    const mark = f.logLength();
    const dry = await f.engine.push(undefined, { dryRun: true, requestsPerSecond: 3 });
    expect(f.logLength()).toBe(mark);
    expect(dry.sources[0]!.planned).toMatchObject([
      { op: 'create', values: { Name: 'fresh', N: 5 } },
    ]);
    expect(dry.sources[0]!.estimate!.apiCalls).toBeGreaterThan(0);
    const notices: string[] = [];
    const pushed = await f.engine.push(undefined, { onNotice: (m) => notices.push(m) });
    expect(pushed.sources[0]!.counts.created).toBe(1);
    expect(notices).toHaveLength(1);
    const rows = await f.emu.client().dataSources.query({ data_source_id: f.dataSourceId });
    expect(rows.results).toHaveLength(4);
  });

  it('a local delete trashes; a remote delete of a locally edited row is a conflict', async () => {
    const f = await setup(factory);
    await f.engine.records.delete('tasks', f.ids[0]!);
    await f.engine.records.update('tasks', f.ids[1]!, { N: 11 });
    await f.emu.client().pages.update({ page_id: f.ids[1]!, in_trash: true });
    const pushed = await f.engine.push();
    expect((await f.live(f.ids[0]!)).in_trash).toBe(true);
    expect((await f.live(f.ids[1]!)).in_trash).toBe(true);
    expect(pushed.openConflicts).toBe(1);
    const [open] = await f.engine.conflicts.list();
    expect(open!.conflict).toMatchObject({ propertyId: '__page__', notionValue: 'trashed' });
    await f.engine.conflicts.resolve(open!.conflict.id, { take: 'local' });
    await f.engine.push();
    const restored = await f.live(f.ids[1]!);
    expect(restored.in_trash).toBe(false);
    expect(restored.properties.N.number).toBe(11);
  });

  it('retries with backoff, dead-letters after the last attempt, and retryDead requeues', async () => {
    const f = await setup(factory, { engine: { maxAttempts: 2 } });
    await f.engine.records.update('tasks', f.ids[0]!, { N: 3 });
    f.emu.control.setFaults([{ route: 'PATCH /v1/pages/{id}', status: 503 }]);
    await f.engine.push();
    await f.clock.advance(60_000);
    await f.engine.push();
    const status = await f.engine.status();
    expect(status[0]!.outbox.dead).toHaveLength(1);
    expect(status[0]!.outbox.dead[0]!.lastError).toContain('503');
    f.emu.control.clearFaults();
    await f.engine.push();
    expect((await f.live(f.ids[0]!)).properties.N.number).toBe(0);
    await f.engine.push(undefined, { retryDead: true });
    expect((await f.live(f.ids[0]!)).properties.N.number).toBe(3);
  });
});

describe.each(factories)('push policies and leases on $name', (factory) => {
  it('prompt asks for each conflict: local is written, skip parks it', async () => {
    const f = await setup(factory, { policy: 'prompt' });
    await f.engine.records.update('tasks', f.ids[0]!, { N: 100 });
    await f.engine.records.update('tasks', f.ids[1]!, { N: 101 });
    f.emu.control.editAsUser(f.ids[0]!, { N: { number: 200 } });
    f.emu.control.editAsUser(f.ids[1]!, { N: { number: 201 } });
    const asked: number[] = [];
    const pushed = await f.engine.push(undefined, {
      onConflict: async (c) => {
        asked.push(c.local as number);
        return c.local === 100 ? 'local' : 'skip';
      },
    });
    expect(asked).toEqual([100, 101]);
    expect((await f.live(f.ids[0]!)).properties.N.number).toBe(100);
    expect((await f.live(f.ids[1]!)).properties.N.number).toBe(201);
    expect(pushed.openConflicts).toBe(1);
  });

  it('last-write-wins keeps a Notion edit made after the local one', async () => {
    const f = await setup(factory, { policy: 'last-write-wins' });
    await f.engine.records.update('tasks', f.ids[1]!, { N: 10 });
    await f.clock.advance(2 * 60_000);
    f.emu.control.editAsUser(f.ids[1]!, { N: { number: 20 } });
    await f.engine.push();
    expect((await f.live(f.ids[1]!)).properties.N.number).toBe(20);
  });

  it('push and pull of one source never overlap (shared lease)', async () => {
    const f = await setup(factory);
    await f.engine.records.update('tasks', f.ids[0]!, { N: 5 });
    const source = (await f.store.sources.getByName('tasks'))!;
    const held = await f.store.runs.start({
      sourceId: source.id,
      kind: 'pull',
      trigger: 'test',
      staleAfterMs: 60_000,
    });
    const refused = await f.engine.push();
    expect(refused.sources[0]!.status).toBe('failed');
    expect(refused.sources[0]!.errors[0]!.code).toBe('source_busy');
    expect((await f.live(f.ids[0]!)).properties.N.number).toBe(0);
    await f.store.runs.finish(held.id, { status: 'ok' });
    expect((await f.engine.push()).ok).toBe(true);
    expect((await f.live(f.ids[0]!)).properties.N.number).toBe(5);
  });

  it('a content source sees no echo of a push on the next pull', async () => {
    const f = await setup(factory, { source: { content: 'markdown' } });
    await f.engine.records.update('tasks', f.ids[0]!, { N: 9 });
    await f.engine.push();
    await f.clock.advance(5 * 60_000);
    const pulled = await f.engine.pull();
    expect(pulled.sources[0]!.counts).toMatchObject({ updated: 0, created: 0 });
  });
});
