// Invariant (property test, fixed seed): whatever the interleaving of Notion-side edits (many
// within one minute), trashes, restores, creations, clock advances, failing requests and pulls,
// once Notion is quiet and one more pull has run, the store equals Notion — every live row at its
// latest values, every trashed row tombstoned `trashed` — and no record holds two consecutive
// versions with the same hash (the overlap never duplicated a version).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness } from '../test-support/pull-harness.ts';

type Step =
  | { kind: 'edit'; row: number; value: number }
  | { kind: 'trash'; row: number; inTrash: boolean }
  | { kind: 'create' }
  | { kind: 'advance'; ms: number }
  | { kind: 'pull'; failing: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      row: fc.nat(11),
      value: fc.integer({ min: -50, max: 50 }),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('trash' as const),
      row: fc.nat(11),
      inTrash: fc.boolean(),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('create' as const) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 100_000 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('pull' as const), failing: fc.boolean() }),
    weight: 2,
  },
);

const title = (content: string) => ({ title: [{ text: { content } }] });

async function runSchedule(
  factory: ReturnType<typeof storeFactories>[number],
  steps: Step[],
): Promise<void> {
  const clock = createManualClock(Date.UTC(2026, 7, 8, 10, 0, 0));
  const emu = await createEmulator({ clock, faultSeed: 7 });
  const notion = emu.client();
  const dsId = await createDataSource(notion, emu.rootPageId, {
    Name: { title: {} },
    N: { number: {} },
  });
  const ids = emu.control.bulkCreatePages(
    dsId,
    Array.from({ length: 12 }, (_, i) => ({ Name: title(`r${i}`), N: { number: i } })),
  );
  const h = await createPullHarness(factory, emu, [{ name: 'p', dataSource: dsId }], clock);
  const trashed = new Set<string>();
  for (const s of steps) {
    const id = 'row' in s ? ids[s.row % ids.length]! : '';
    if (s.kind === 'edit' && !trashed.has(id))
      emu.control.editAsUser(id, { N: { number: s.value } });
    if (s.kind === 'trash') {
      await notion.pages.update({ page_id: id, in_trash: s.inTrash });
      if (s.inTrash) trashed.add(id);
      else trashed.delete(id);
    }
    if (s.kind === 'create')
      ids.push(...emu.control.bulkCreatePages(dsId, [{ Name: title('new'), N: { number: 0 } }]));
    if (s.kind === 'advance') await clock.advance(s.ms);
    if (s.kind === 'pull') {
      if (s.failing) emu.control.setFaults([{ route: '/v1/', status: 500, probability: 0.15 }]);
      await h.engine.pull();
      emu.control.clearFaults();
    }
  }
  await clock.advance(3 * 60_000);
  expect((await h.engine.pull()).ok).toBe(true);

  const source = (await h.store.sources.getByName('p'))!;
  const nId = Object.values(source.schema.properties).find((p) => p.name === 'N')!.id;
  for (const id of ids) {
    const page = (await notion.pages.retrieve({ page_id: id })) as unknown as {
      in_trash: boolean;
      properties: { N: { number: number } };
    };
    const record = await h.store.records.findByPageId(source.id, id);
    if (page.in_trash) {
      if (record) expect(record.tombstone).toBe('trashed');
      continue;
    }
    expect(record?.tombstone).toBeNull();
    const versions = await h.store.history.listVersions(record!.id);
    expect(versions.at(-1)!.fields[nId]).toBe(page.properties.N.number);
    for (let i = 1; i < versions.length; i++)
      expect(versions[i]!.hash).not.toBe(versions[i - 1]!.hash);
  }
}

describe.each(storeFactories().filter((f) => f.name !== 'sqlite-file'))(
  'pull schedules on $name',
  (factory) => {
    it('end with the store equal to Notion and no duplicate version', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40 }), (steps) =>
          runSchedule(factory, steps),
        ),
        { seed: 20261122, numRuns: factory.dialect === 'postgres' ? 10 : 40 },
      );
    }, 120_000);
  },
);
