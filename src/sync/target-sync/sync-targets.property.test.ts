// Invariant (property test, fixed seed): whatever the interleaving of edits, inserts and deletes
// in a user's table and in Notion, and syncs under the emulator's faults (429s from its rate
// limiter, 503s, 529s, writes applied and then failed by a 504 or a dropped connection) — once
// faults stop and sync has run to quiescence:
// - both sides are equal: the live pages and the table's rows pair up by key, value for value;
// - 0 duplicates: no key on two live pages, no page without a key, no row without a page;
// - 0 lost updates: a property ends at the later of the two sides' last edits, and the other
//   side's last edit, when it lost, sits in a recorded conflict;
// - the user's table schema is unchanged (columns, indexes, no trigger), read from the catalog;
// - one more sync writes nothing to either side.
// Default run: 20 schedules on SQLite + 4 on PostgreSQL; NOTION_SYNC_SOAK=1: 300 + 60
// (TARGET_RUNS=n overrides both).
import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { readTableCatalog } from '../../targets/index.ts';
import { countWrites, PUSH_TEST_START_MS, title } from '../test-support/push-fixture.ts';
import {
  createTableFixture,
  KEY_PROPERTY,
  type TableFixture,
} from '../test-support/table-fixture.ts';
import {
  FAULT_RULES,
  faultyClient,
  WRITE_FAULTS,
  type WriteFault,
} from '../test-support/write-faults.ts';

type Prop = 'name' | 'size';
type Fault = WriteFault;
type Step =
  | { kind: 'table'; row: number; prop: Prop }
  | { kind: 'notion'; row: number; prop: Prop }
  | { kind: 'table-insert' }
  | { kind: 'notion-create' }
  | { kind: 'table-delete'; row: number }
  | { kind: 'notion-trash'; row: number }
  | { kind: 'sync'; fault: Fault }
  | { kind: 'advance'; ms: number };

const prop = fc.constantFrom<Prop>('name', 'size');
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('table' as const, 'notion' as const),
      row: fc.nat(7),
      prop,
    }),
    weight: 8,
  },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('table-insert' as const, 'notion-create' as const),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('table-delete' as const, 'notion-trash' as const),
      row: fc.nat(7),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('sync' as const),
      fault: fc.constantFrom<Fault>(...WRITE_FAULTS),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 200_000 }),
    }),
    weight: 1,
  },
);

interface Edit {
  step: number;
  value: string | number;
}

interface Run {
  f: TableFixture;
  emu: Emulator;
  step: number;
  /** Rows by identity (`t<n>`: inserted in the table, `n<n>`: created in Notion). */
  rows: { id: string; pageId?: string; deleted: boolean }[];
  edits: Map<string, { table: Edit[]; notion: Edit[] }>;
}

const editValue = (p: Prop, n: number, side: 't' | 'n') =>
  p === 'size' ? n * 10 + (side === 't' ? 1 : 2) : `${side}${n}`;

/** The row's key in the table and its page in Notion (through the store's bookkeeping). */
async function locate(
  run: Run,
  id: string,
): Promise<{ key: string | null; pageId: string | null }> {
  const source = (await run.f.store.sources.getByName('teams'))!;
  const row = run.rows.find((r) => r.id === id)!;
  let key: string | null = null;
  if (!row.pageId) {
    const { rows } = await sql
      .raw<{ id: number }>(`select id from ${run.f.teams} where tag = '${id}'`)
      .execute(run.f.db);
    key = rows[0] ? String(rows[0].id) : null;
  }
  for (const item of await run.f.store.targets.list(source.id)) {
    const record = (await run.f.store.records.get(item.recordId))!;
    if (row.pageId ? record.pageId === row.pageId : item.itemKey === key)
      return { key: item.itemKey, pageId: record.tombstone === null ? record.pageId : null };
  }
  return { key, pageId: row.pageId ?? null };
}

async function applyStep(run: Run, s: Step): Promise<void> {
  const { f, emu } = run;
  run.step += 1;
  const n = run.step;
  if (s.kind === 'advance') return f.clock.advance(s.ms);
  if (s.kind === 'sync') {
    emu.control.setFaults(FAULT_RULES[s.fault]);
    await f.engine.sync();
    emu.control.clearFaults();
    return;
  }
  if (s.kind === 'table-insert') {
    const id = `t${n}`;
    await sql
      .raw(`insert into ${f.teams} (name, size, tag) values ('${id}', ${n}, '${id}')`)
      .execute(f.db);
    run.rows.push({ id, deleted: false });
    return;
  }
  if (s.kind === 'notion-create') {
    const page = await f.notion.pages.create({
      parent: { data_source_id: f.teamsDs },
      properties: { Name: title(`n${n}`), Size: { number: n } },
    } as never);
    run.rows.push({ id: `n${n}`, pageId: page.id, deleted: false });
    return;
  }
  const live = run.rows.filter((r) => !r.deleted);
  const row = live[s.row % Math.max(1, live.length)];
  if (!row) return;
  const where = await locate(run, row.id);
  if (s.kind === 'table-delete' || s.kind === 'notion-trash') {
    if (s.kind === 'table-delete' && where.key)
      await sql.raw(`delete from ${f.teams} where id = ${where.key}`).execute(f.db);
    else if (s.kind === 'notion-trash' && where.pageId)
      await f.notion.pages.update({ page_id: where.pageId, in_trash: true });
    else return;
    row.deleted = true;
    return;
  }
  const side = s.kind === 'table' ? 't' : 'n';
  const value = editValue(s.prop, n, side);
  if (s.kind === 'table') {
    if (!where.key) return;
    await sql
      .raw(
        `update ${f.teams} set ${s.prop} = ${typeof value === 'number' ? value : `'${value}'`} where id = ${where.key}`,
      )
      .execute(f.db);
  } else {
    if (!where.pageId) return;
    emu.control.editAsUser(
      where.pageId,
      s.prop === 'size' ? { Size: { number: value as number } } : { Name: title(String(value)) },
    );
  }
  const cell = run.edits.get(`${row.id}/${s.prop}`) ?? { table: [], notion: [] };
  cell[s.kind === 'table' ? 'table' : 'notion'].push({ step: n, value });
  run.edits.set(`${row.id}/${s.prop}`, cell);
}

async function schemaOf(f: TableFixture) {
  const catalog = await readTableCatalog(f.db, f.dialect, f.teams);
  const triggers =
    f.dialect === 'sqlite'
      ? (
          await sql<{
            n: number;
          }>`select count(*) as n from sqlite_master where type = 'trigger' and tbl_name = 'teams'`.execute(
            f.db,
          )
        ).rows[0]!.n
      : (
          await sql<{
            n: number;
          }>`select count(*)::int as n from information_schema.triggers where event_object_table = 'teams'`.execute(
            f.db,
          )
        ).rows[0]!.n;
  return { catalog, triggers };
}

async function quiesce(run: Run): Promise<void> {
  for (let i = 0; i < 8; i++) {
    await run.f.clock.advance(15 * 60_000);
    await run.f.engine.sync(undefined, { retryDead: true });
    const pending = await run.f.store.outbox.list({ state: 'pending' });
    const dead = await run.f.store.outbox.list({ state: 'dead' });
    if (pending.length + dead.length === 0) break;
  }
  await run.f.clock.advance(5 * 60_000);
  expect((await run.f.engine.sync()).ok).toBe(true);
}

async function sides(run: Run) {
  const pages = new Map<string, { name: string; size: number | null; count: number }>();
  let unkeyed = 0;
  for await (const page of run.f.notion.iterateDataSourceRows(run.f.teamsDs)) {
    const p = page.properties as unknown as Record<
      string,
      {
        title?: { plain_text: string }[];
        rich_text?: { plain_text: string }[];
        number?: number | null;
      }
    >;
    const key = (p[KEY_PROPERTY]?.rich_text ?? []).map((t) => t.plain_text).join('');
    if (!key) unkeyed += 1;
    const seen = pages.get(key);
    pages.set(key, {
      name: (p.Name?.title ?? []).map((t) => t.plain_text).join(''),
      size: p.Size?.number ?? null,
      count: (seen?.count ?? 0) + 1,
    });
  }
  const { rows } = await sql
    .raw<{ id: number; name: string; size: number | null; tag: string | null }>(
      `select id, name, size, tag from ${run.f.teams}`,
    )
    .execute(run.f.db);
  return { pages, unkeyed, rows };
}

async function checkQuiescent(
  run: Run,
  before: Awaited<ReturnType<typeof schemaOf>>,
): Promise<void> {
  const { pages, unkeyed, rows } = await sides(run);
  expect(unkeyed).toBe(0);
  expect([...pages.values()].every((p) => p.count === 1)).toBe(true);
  expect(rows.map((r) => String(r.id)).sort()).toEqual([...pages.keys()].sort());
  for (const row of rows) {
    const page = pages.get(String(row.id))!;
    expect({ name: row.name, size: row.size === null ? null : Number(row.size) }).toEqual({
      name: page.name,
      size: page.size,
    });
  }
  await checkLostUpdates(run, rows);
  expect(await schemaOf(run.f)).toEqual(before);
  const mark = run.emu.control.requestLog().length;
  const again = await run.f.engine.sync();
  expect(again.ok).toBe(true);
  expect(countWrites(run.emu.control.requestLog().slice(mark))).toBe(0);
  expect(again.targets?.[0]?.export).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
}

async function checkLostUpdates(
  run: Run,
  rows: { id: number; name: string; size: number | null }[],
): Promise<void> {
  const conflicts = await run.f.store.conflicts.list({ state: 'all' });
  for (const row of run.rows.filter((r) => !r.deleted)) {
    const { key } = await locate(run, row.id);
    const final = rows.find((r) => String(r.id) === key);
    if (!final) continue; // deleted by a conflict decision (a delete against an edit)
    for (const p of ['name', 'size'] as const) {
      const cell = run.edits.get(`${row.id}/${p}`);
      if (!cell) continue;
      const value = p === 'size' ? (final.size === null ? null : Number(final.size)) : final.name;
      const t = cell.table.at(-1);
      const n = cell.notion.at(-1);
      const where = `${row.id}/${p}: final ${value} table ${JSON.stringify(cell.table)} notion ${JSON.stringify(cell.notion)}`;
      const later = !n || (t && t.step > n.step) ? t! : n;
      const loser = later === t ? n : t;
      if (value === later.value) continue;
      // The later edit lost: only a recorded conflict may explain it.
      const recorded = conflicts.some(
        (c) =>
          c.localValue === later.value ||
          c.notionValue === later.value ||
          c.propertyId === '__page__',
      );
      expect(recorded, `lost update: ${where}`).toBe(true);
      expect([loser?.value, later.value], where).toContain(value);
    }
  }
}

async function runSchedule(factory: ReturnType<typeof storeFactories>[number], steps: Step[]) {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({
    clock,
    faultSeed: steps.length,
    rateLimit: { requestsPerSecond: 20, burst: 12 },
  });
  const notion = faultyClient(emu, clock);
  const f = await createTableFixture(factory, emu, clock, {
    engine: { notion, maxAttempts: 4 },
    tag: true,
  });
  await sql
    .raw(
      `insert into ${f.teams} (name, size, tag) values ('a', 1, 's1'), ('b', 2, 's2'), ('c', 3, 's3')`,
    )
    .execute(f.db);
  const run: Run = {
    f: { ...f, notion },
    emu,
    step: 0,
    rows: ['s1', 's2', 's3'].map((id) => ({ id, deleted: false })),
    edits: new Map(),
  };
  const before = await schemaOf(f);
  expect((await f.engine.sync()).ok).toBe(true);
  for (const s of steps) await applyStep(run, s);
  emu.control.clearFaults();
  await quiesce(run);
  await checkQuiescent(run, before);
}

/** Counterexamples found by earlier runs, kept as regression schedules. */
const REGRESSIONS: Step[][] = [
  // A deleted row's key reused by the next insert (SQLite's rowid) while its page is trashed.
  [
    { kind: 'notion', row: 2, prop: 'name' },
    { kind: 'notion', row: 5, prop: 'size' },
    { kind: 'sync', fault: '529' },
    { kind: 'table-delete', row: 2 },
    { kind: 'notion-trash', row: 5 },
    { kind: 'table', row: 7, prop: 'size' },
    { kind: 'sync', fault: 'apply-504' },
    { kind: 'table-insert' },
    { kind: 'table-delete', row: 4 },
    { kind: 'notion', row: 0, prop: 'size' },
    { kind: 'table', row: 4, prop: 'name' },
    { kind: 'table', row: 2, prop: 'name' },
    { kind: 'table', row: 0, prop: 'name' },
    { kind: 'table', row: 4, prop: 'name' },
  ],
];

const soak = process.env.NOTION_SYNC_SOAK === '1';
const override = Number(process.env.TARGET_RUNS ?? '') || undefined;
const RUNS: Record<string, number> = {
  'sqlite-file': override ?? (soak ? 300 : 20),
  postgres: override ?? (soak ? 60 : 4),
};

describe.each(storeFactories().filter((f) => f.name !== 'sqlite-memory'))(
  'table target property on $name',
  (factory) => {
    it(
      'both sides converge with no duplicate and no lost update, and the table schema is untouched',
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 18 }), (steps) =>
            runSchedule(factory, steps),
          ),
          {
            seed: 1313,
            numRuns: RUNS[factory.name]!,
            endOnFailure: true,
            examples: REGRESSIONS.map((r) => [r] as [Step[]]),
          },
        );
      },
      soak ? 3_600_000 : 300_000,
    );
  },
);
