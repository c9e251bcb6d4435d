// Invariant (property test, fixed seed): whatever the interleaving of local edits and creates,
// Notion-side edits (through the SDK and as a Notion user), pulls, pushes and syncs — with faults
// on the writes ("applied, then failed" as a 504 or a dropped connection, 503s, 529s) and 429s from
// the emulator's rate limiter — once faults stop, the outbox drains and one more sync has run:
// - 0 duplicate pages: every sync key names exactly one page, every local create has its page;
// - 0 lost updates: each property ends at the last value one side wrote, and a last local value
//   that is not the final one either reached Notion before a later Notion edit or sits in a
//   recorded conflict;
// - never a silent overwrite: a last Notion value that is not the final one was in the store's
//   agreed state before the local edit that replaced it, or sits in a recorded conflict;
// - 0 divergence: the store's current values equal Notion's;
// - a further sync writes nothing to Notion.
// Each value is unique to the edit that wrote it, so the final value names its origin.
// Default run: 200 schedules on SQLite (memory) + 40 on PostgreSQL (a fresh schema per schedule
// costs more there); NOTION_SYNC_SOAK=1: 2,000 + 400. PUSH_RUNS=n overrides both counts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import type { Store } from '../store-api.ts';
import {
  countWrites,
  createPushFixture,
  PUSH_TEST_START_MS,
  type PushFixture,
  title,
} from '../test-support/push-fixture.ts';
import {
  FAULT_RULES,
  faultyClient,
  WRITE_FAULTS,
  type WriteFault,
} from '../test-support/write-faults.ts';
import { DEFAULT_SYNC_KEY_PROPERTY } from './push-types.ts';
import { readSyncKey } from './sync-key.ts';

type Prop = 'N' | 'Name';
type Fault = WriteFault;
type Step =
  | { kind: 'local'; row: number; prop: Prop }
  | { kind: 'notion'; row: number; prop: Prop; asUser: boolean }
  | { kind: 'create' }
  | { kind: 'push' | 'sync'; fault: Fault }
  | { kind: 'pull' }
  | { kind: 'advance'; ms: number };

const prop = fc.constantFrom<Prop>('N', 'Name');
const fault = fc.constantFrom<Fault>(...WRITE_FAULTS);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('local' as const), row: fc.nat(5), prop }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('notion' as const),
      row: fc.nat(5),
      prop,
      asUser: fc.boolean(),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('create' as const) }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constantFrom('push' as const, 'sync' as const), fault }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('pull' as const) }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 200_000 }),
    }),
    weight: 2,
  },
);

interface Event {
  step: number;
  value: string | number;
}

interface Cell {
  initial: string | number | null;
  local: Event[];
  notion: Event[];
  /** Step at which each Notion value was first the store's agreed state. */
  seen: Map<string | number, number>;
}

/** A clock whose `sleep` moves time on: Retry-After waits cost no wall time. */

class Model {
  cells = new Map<string, Cell>();
  cell(key: string, p: Prop, initial: string | number | null): Cell {
    const id = `${key}/${p}`;
    let cell = this.cells.get(id);
    if (!cell) {
      cell = { initial, local: [], notion: [], seen: new Map() };
      this.cells.set(id, cell);
    }
    return cell;
  }
}

async function openOutboxRecords(store: Store): Promise<Set<number>> {
  const open = [
    ...(await store.outbox.list({ state: 'pending' })),
    ...(await store.outbox.list({ state: 'in_flight' })),
    ...(await store.outbox.list({ state: 'dead' })),
  ];
  return new Set(open.map((i) => i.recordId));
}

interface Run {
  f: PushFixture;
  emu: Emulator;
  model: Model;
  propIds: Record<Prop, string>;
  sourceId: number;
  step: number;
  /** Local keys of rows created locally. */
  created: string[];
  /** Local keys of every row edits may target. */
  rowKeys: string[];
}

/** After a pull or push: Notion values the store now agrees on (no local edit waiting). */
async function markSeen(run: Run): Promise<void> {
  const open = await openOutboxRecords(run.f.store);
  for (const record of await listRecords(run)) {
    if (open.has(record.id) || record.baseVersionId === null) continue;
    const base = await run.f.store.history.getVersionById(record.baseVersionId);
    if (!base || base.id !== record.currentVersionId) continue;
    for (const p of ['N', 'Name'] as const) {
      const cell = run.model.cells.get(`${record.localKey}/${p}`);
      const value = base.fields[run.propIds[p]];
      if (cell && (typeof value === 'string' || typeof value === 'number') && !cell.seen.has(value))
        cell.seen.set(value, run.step);
    }
  }
}

async function listRecords(run: Run) {
  const ids = await run.f.store.records.listPageIds(run.sourceId);
  const out = [];
  for (const pageId of ids) {
    const r = await run.f.store.records.findByPageId(run.sourceId, pageId);
    if (r) out.push(r);
  }
  for (const key of run.created) {
    const [r] = await run.f.store.records.findByKey(key);
    if (r && r.pageId === null) out.push(r);
  }
  return out;
}

async function applyStep(run: Run, s: Step): Promise<void> {
  const { f, emu, model } = run;
  run.step += 1;
  const n = run.step;
  if (s.kind === 'local' || s.kind === 'notion') {
    const key = run.rowKeys[s.row % run.rowKeys.length]!;
    const value = s.prop === 'N' ? n * 10 + (s.kind === 'local' ? 1 : 2) : `${s.kind[0]}${n}`;
    const [record] = await f.store.records.findByKey(key);
    if (s.kind === 'local') {
      await f.engine.records.update('tasks', record!.pageId ?? key, { [s.prop]: value });
      model.cell(key, s.prop, null).local.push({ step: n, value });
    } else {
      if (!record?.pageId) return;
      const properties =
        s.prop === 'N' ? { N: { number: value as number } } : { Name: title(String(value)) };
      if (s.asUser) emu.control.editAsUser(record.pageId, properties);
      else await f.notion.pages.update({ page_id: record.pageId, properties });
      model.cell(key, s.prop, null).notion.push({ step: n, value });
    }
    return;
  }
  if (s.kind === 'create') {
    const edit = await f.engine.records.create('tasks', { Name: `c${n}`, N: n * 10 });
    run.created.push(edit.record.localKey);
    run.rowKeys.push(edit.record.localKey);
    model.cell(edit.record.localKey, 'Name', `c${n}`);
    model.cell(edit.record.localKey, 'N', n * 10);
    return;
  }
  if (s.kind === 'advance') return f.clock.advance(s.ms);
  if (s.kind === 'pull') {
    if ((await f.engine.pull()).ok) await markSeen(run);
    return;
  }
  emu.control.setFaults(FAULT_RULES[s.fault]);
  if (s.kind === 'push') await f.engine.push();
  else await f.engine.sync();
  emu.control.clearFaults();
  await markSeen(run);
}

async function quiesce(run: Run): Promise<void> {
  run.emu.control.clearFaults();
  for (let i = 0; i < 8; i++) {
    await run.f.clock.advance(15 * 60_000);
    const synced = await run.f.engine.sync(undefined, { retryDead: true });
    expect(synced.ok).toBe(true);
    if ((await openOutboxRecords(run.f.store)).size === 0) break;
  }
  await run.f.clock.advance(5 * 60_000);
  expect((await run.f.engine.sync()).ok).toBe(true);
  expect((await openOutboxRecords(run.f.store)).size).toBe(0);
}

async function notionPages(run: Run) {
  const pages = new Map<
    string,
    { key: string | null; values: Record<Prop, string | number | null> }
  >();
  for await (const page of run.f.notion.iterateDataSourceRows(run.f.dataSourceId)) {
    const props = page.properties as unknown as {
      N: { number: number | null };
      Name: { title: { plain_text: string }[] };
    };
    pages.set(page.id, {
      key: readSyncKey(page, DEFAULT_SYNC_KEY_PROPERTY),
      values: { N: props.N.number, Name: props.Name.title.map((t) => t.plain_text).join('') },
    });
  }
  return pages;
}

async function checkCell(
  run: Run,
  key: string,
  p: Prop,
  cell: Cell,
  final: string | number | null,
) {
  const lastLocal = cell.local.at(-1);
  const lastNotion = cell.notion.at(-1);
  const allowed = [lastLocal?.value, lastNotion?.value, cell.initial].filter(
    (v) => v !== undefined,
  );
  const where = `${key}/${p}: final ${String(final)}, local ${JSON.stringify(cell.local)}, notion ${JSON.stringify(cell.notion)}`;
  if (!lastLocal && !lastNotion) return;
  expect(allowed, where).toContain(final);
  const [record] = await run.f.store.records.findByKey(key);
  const conflicts = await run.f.store.conflicts.list({ recordId: record!.id, state: 'all' });
  const ofProp = conflicts.filter(
    (c) => c.propertyId === run.propIds[p] || c.propertyId === '__page__',
  );
  if (lastLocal && final !== lastLocal.value) {
    const versions = await run.f.store.history.listVersions(record!.id);
    const reached = versions.some(
      (v) => v.origin !== 'local' && v.fields[run.propIds[p]] === lastLocal.value,
    );
    const recorded = ofProp.some((c) => c.localValue === lastLocal.value);
    expect(
      recorded || (reached && (lastNotion?.step ?? 0) > lastLocal.step),
      `lost local: ${where}`,
    ).toBe(true);
  }
  if (lastNotion && final !== lastNotion.value) {
    const seenAt = cell.seen.get(lastNotion.value);
    const recorded = ofProp.some((c) => c.notionValue === lastNotion.value);
    const agreedFirst = seenAt !== undefined && lastLocal !== undefined && seenAt < lastLocal.step;
    expect(recorded || agreedFirst, `silent overwrite: ${where}`).toBe(true);
  }
}

async function checkQuiescent(run: Run): Promise<void> {
  const pages = await notionPages(run);
  const byKey = new Map<string, number>();
  for (const page of pages.values())
    if (page.key) byKey.set(page.key, (byKey.get(page.key) ?? 0) + 1);
  expect([...byKey.values()].every((count) => count === 1)).toBe(true);
  for (const key of run.created) expect(byKey.get(key)).toBe(1);
  for (const key of run.rowKeys) {
    const [record] = await run.f.store.records.findByKey(key);
    expect(record?.pageId).toBeTruthy();
    const page = pages.get(record!.pageId!)!;
    const current = (await run.f.store.history.getVersionById(record!.currentVersionId!))!;
    for (const p of ['N', 'Name'] as const) {
      expect(current.fields[run.propIds[p]] ?? null).toEqual(page.values[p]);
      const cell = run.model.cells.get(`${key}/${p}`);
      if (cell) await checkCell(run, key, p, cell, page.values[p]);
    }
  }
  const mark = run.emu.control.requestLog().length;
  expect((await run.f.engine.sync()).ok).toBe(true);
  expect(countWrites(run.emu.control.requestLog().slice(mark))).toBe(0);
}

async function runSchedule(factory: ReturnType<typeof storeFactories>[number], steps: Step[]) {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({
    clock,
    faultSeed: steps.length,
    rateLimit: { requestsPerSecond: 20, burst: 12 },
  });
  const notion = faultyClient(emu, clock);
  const f = await createPushFixture(factory, emu, clock, {
    rows: 3,
    engine: { notion, maxAttempts: 4 },
  });
  expect((await f.engine.pull()).ok).toBe(true);
  const source = (await f.store.sources.getByName('tasks'))!;
  const idOf = (name: string) =>
    Object.values(source.schema.properties).find((p) => p.name === name)!.id;
  const run: Run = {
    f: { ...f, notion },
    emu,
    model: new Model(),
    propIds: { N: idOf('N'), Name: idOf('Name') },
    sourceId: source.id,
    step: 0,
    created: [],
    rowKeys: [...f.ids],
  };
  f.ids.forEach((id, i) => {
    run.model.cell(id, 'N', i);
    run.model.cell(id, 'Name', `r${i}`);
  });
  for (const s of steps) await applyStep(run, s);
  await quiesce(run);
  await checkQuiescent(run);
  for (const entry of emu.control.requestLog()) {
    if (entry.status === 429) seen.rateLimited += 1;
    if (entry.status === 504 || entry.status === 0) seen.lostAnswers += 1;
  }
  seen.conflicts += (await f.store.conflicts.list({ state: 'all' })).length;
}

/** What the schedules went through, so a run that never met a fault cannot pass unnoticed. */
const seen = { rateLimited: 0, lostAnswers: 0, conflicts: 0 };

const soak = process.env.NOTION_SYNC_SOAK === '1';

/** Schedules that once failed (found by the soak run); kept as permanent regression cases. */
const REGRESSIONS: Step[][] = [
  // A parked conflict left the unsent local value as the store's current value.
  [
    { kind: 'notion', row: 2, prop: 'N', asUser: false },
    { kind: 'local', row: 5, prop: 'N' },
    { kind: 'pull' },
    { kind: 'local', row: 2, prop: 'N' },
    { kind: 'advance', ms: 0 },
    { kind: 'notion', row: 0, prop: 'N', asUser: false },
    { kind: 'push', fault: 'none' },
  ],
];

describe.each(storeFactories().filter((f) => f.name !== 'sqlite-file'))(
  'two-way schedules on $name',
  (factory) => {
    it('regression schedules hold', async () => {
      for (const steps of REGRESSIONS) await runSchedule(factory, steps);
    });

    it(
      'end with no lost update, no duplicate page, no divergence, no silent overwrite',
      async () => {
        const sqlite = factory.dialect === 'sqlite';
        Object.assign(seen, { rateLimited: 0, lostAnswers: 0, conflicts: 0 });
        await fc.assert(
          fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 18 }), (steps) =>
            runSchedule(factory, steps),
          ),
          {
            seed: 20261122,
            numRuns: Number(process.env.PUSH_RUNS ?? 0) || (sqlite ? 200 : 40) * (soak ? 10 : 1),
          },
        );
        expect(seen.rateLimited).toBeGreaterThan(0);
        expect(seen.lostAnswers).toBeGreaterThan(0);
        expect(seen.conflicts).toBeGreaterThan(0);
      },
      soak ? 3_600_000 : 150_000,
    );
  },
);
