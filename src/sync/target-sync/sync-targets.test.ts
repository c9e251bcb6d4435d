// Sync with a table target, on SQLite and PostgreSQL, against the emulator. Invariants: rows and
// pages know each other by the key (in the sync key property); a second sync writes nothing to
// either side; edits of different properties on both sides merge, the same property is one
// conflict whose resolution lands on both sides; inserts and deletes converge both ways; a
// relation edited in Notion updates the foreign key; the user's table schema is never altered.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { countWrites, PUSH_TEST_START_MS, title } from '../test-support/push-fixture.ts';
import { createTableFixture, intentHashOf, KEY_PROPERTY } from '../test-support/table-fixture.ts';

/** A property of a queried page, as the tests read it (loosely typed on purpose). */
interface PageProperty {
  title?: { plain_text: string }[];
  rich_text?: { plain_text: string }[];
  number?: number | null;
  relation?: { id: string }[];
}
interface QueriedPage {
  id: string;
  in_trash: boolean;
  properties: Record<string, PageProperty>;
}
type TableRow = Record<string, string | number | boolean | null>;

const factories = storeFactories().filter((f) => f.name !== 'sqlite-memory');

async function setup(
  factory: (typeof factories)[number],
  options: Parameters<typeof createTableFixture>[3] = {},
) {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({ clock, faultSeed: 7 });
  const f = await createTableFixture(factory, emu, clock, options);
  const pages = async (ds: string) => {
    const out: QueriedPage[] = [];
    let cursor: string | undefined;
    do {
      const res = (await emu.client().dataSources.query({
        data_source_id: ds,
        ...(cursor ? { start_cursor: cursor } : {}),
      } as never)) as unknown as { results: QueriedPage[]; next_cursor: string | null };
      out.push(...res.results);
      cursor = res.next_cursor ?? undefined;
    } while (cursor);
    return out;
  };
  const text = (p: PageProperty | undefined) =>
    (p?.title ?? p?.rich_text ?? []).map((t) => t.plain_text).join('');
  const byKey = async (ds: string) =>
    new Map((await pages(ds)).map((p) => [text(p.properties[KEY_PROPERTY]), p]));
  const rows = async (table: string) =>
    (await sql.raw<TableRow>(`select * from ${table} order by id`).execute(f.db)).rows;
  const writes = () => emu.control.requestLog().length;
  const writesSince = (mark: number) => countWrites(emu.control.requestLog().slice(mark));
  const later = () => clock.advance(5 * 60_000);
  return { ...f, emu, pages, byKey, rows, text, writes, writesSince, later };
}

describe.each(factories)('table targets on $name', (factory) => {
  it('1,000 rows become 1,000 pages with their key; a second sync writes nothing', async () => {
    const f = await setup(factory);
    const values = Array.from(
      { length: 1000 },
      (_, i) => `('team ${i}', ${i}, ${i % 2 === 0})`,
    ).join(',');
    await sql.raw(`insert into ${f.teams} (name, size, active) values ${values}`).execute(f.db);
    const first = await f.engine.sync(['teams']);
    expect(first.ok).toBe(true);
    expect(first.targets?.[0]?.scan?.created).toBe(1000);
    const pages = await f.byKey(f.teamsDs);
    expect(pages.size).toBe(1000);
    const row = (await f.rows(f.teams))[41]!;
    const page = pages.get(String(row.id))!;
    expect(f.text(page.properties.Name)).toBe(row.name);
    expect(page.properties.Size!.number).toBe(Number(row.size));
    await f.later();
    const mark = f.writes();
    const second = await f.engine.sync(['teams']);
    expect(second.ok).toBe(true);
    expect(f.writesSince(mark)).toBe(0);
    expect(second.targets?.[0]?.scan).toMatchObject({
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 1000,
    });
    expect(second.targets?.[0]?.export).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
  });
});

describe.each(factories)('table edits on $name', (factory) => {
  async function seeded(options: Parameters<typeof createTableFixture>[3] = {}) {
    const f = await setup(factory, options);
    await sql
      .raw(
        `insert into ${f.teams} (name, size, active) values ('red', 3, true), ('blue', 4, false)`,
      )
      .execute(f.db);
    await sql
      .raw(
        `insert into ${f.students} (name, grade, team_id) values ('ann', 90, 1), ('bob', 80.5, 2)`,
      )
      .execute(f.db);
    expect((await f.engine.sync()).ok).toBe(true);
    await f.later();
    return f;
  }

  it('merges a table edit and a Notion edit of other properties of the same row', async () => {
    const f = await seeded();
    const red = (await f.byKey(f.teamsDs)).get('1')!;
    await sql.raw(`update ${f.teams} set size = 30 where id = 1`).execute(f.db);
    f.emu.control.editAsUser(red.id, { Name: title('crimson') });
    const result = await f.engine.sync();
    expect(result.ok).toBe(true);
    const page = (await f.byKey(f.teamsDs)).get('1')!;
    expect(page.properties.Size!.number).toBe(30);
    expect(f.text(page.properties.Name)).toBe('crimson');
    const [row] = await f.rows(f.teams);
    expect(row).toMatchObject({ name: 'crimson' });
    expect(Number(row!.size)).toBe(30);
    await f.later();
    const mark = f.writes();
    const again = await f.engine.sync();
    expect(again.openConflicts).toBe(0);
    expect(f.writesSince(mark)).toBe(0);
  });

  it('one property changed on both sides is one conflict; the CLI-side resolution lands on both sides', async () => {
    const f = await seeded();
    const red = (await f.byKey(f.teamsDs)).get('1')!;
    await sql.raw(`update ${f.teams} set size = 7 where id = 1`).execute(f.db);
    f.emu.control.editAsUser(red.id, { Size: { number: 9 } });
    const result = await f.engine.sync();
    expect(result.openConflicts).toBe(1);
    const [conflict] = await f.engine.conflicts.list();
    expect(conflict!.conflict).toMatchObject({ localValue: 7, notionValue: 9 });
    await f.engine.conflicts.resolve(conflict!.conflict.id, { take: 'local' });
    await f.later();
    const after = await f.engine.sync();
    expect(after.openConflicts).toBe(0);
    expect((await f.byKey(f.teamsDs)).get('1')!.properties.Size!.number).toBe(7);
    expect(Number((await f.rows(f.teams))[0]!.size)).toBe(7);
  });

  it('inserts and deletes on both sides converge; a relation edited in Notion updates the foreign key', async () => {
    const f = await seeded();
    const teams = await f.byKey(f.teamsDs);
    const students = await f.byKey(f.studentsDs);
    expect(students.get('1')!.properties.Team!.relation).toEqual([{ id: teams.get('1')!.id }]);
    // Notion: a new team, bob moves to red, ann's page is trashed.
    const created = await f.emu.client().pages.create({
      parent: { data_source_id: f.teamsDs },
      properties: { Name: title('green'), Size: { number: 5 } },
    } as never);
    f.emu.control.editAsUser(students.get('2')!.id, {
      Team: { relation: [{ id: teams.get('1')!.id }] },
    });
    await f.emu.client().pages.update({ page_id: students.get('1')!.id, in_trash: true });
    // Table: a new student in blue, the blue team row deleted... after its student moves away.
    await sql
      .raw(`insert into ${f.students} (name, grade, team_id) values ('cy', 70, 2)`)
      .execute(f.db);
    await f.later();
    expect((await f.engine.sync()).ok).toBe(true);
    const teamRows = await f.rows(f.teams);
    expect(teamRows.map((r) => r.name)).toEqual(['red', 'blue', 'green']);
    const green = teamRows[2]!;
    // The key the table generated went back to the page.
    expect(
      f.text((await f.pages(f.teamsDs)).find((p) => p.id === created.id)!.properties[KEY_PROPERTY]),
    ).toBe(String(green.id));
    const studentRows = await f.rows(f.students);
    expect(studentRows.map((r) => [r.name, Number(r.team_id)])).toEqual([
      ['bob', 1],
      ['cy', 2],
    ]);
    const cy = (await f.byKey(f.studentsDs)).get(String(studentRows[1]!.id))!;
    expect(cy.properties.Team!.relation).toEqual([{ id: teams.get('2')!.id }]);
    // A row deleted in the table trashes its page.
    await sql.raw(`delete from ${f.students} where name = 'cy'`).execute(f.db);
    await f.later();
    expect((await f.engine.sync()).ok).toBe(true);
    const live = (await f.pages(f.studentsDs))
      .filter((p) => !p.in_trash)
      .map((p) => f.text(p.properties.Name));
    expect(live).toEqual(['bob']);
    await f.later();
    const mark = f.writes();
    await f.engine.sync();
    expect(f.writesSince(mark)).toBe(0);
  });
});

describe.each(factories)('pages that already carry their row key on $name', (factory) => {
  it('the first sync pairs rows with them (the table wins), never creating a second page', async () => {
    const f = await setup(factory);
    await sql
      .raw(`insert into ${f.teams} (name, size) values ('red', 1), ('blue', 2)`)
      .execute(f.db);
    const key = (k: string) => ({ rich_text: [{ text: { content: k } }] });
    f.emu.control.bulkCreatePages(f.teamsDs, [
      { Name: title('old red'), Size: { number: 1 }, [KEY_PROPERTY]: key('1') },
      { Name: title('blue'), Size: { number: 2 }, [KEY_PROPERTY]: key('2') },
    ]);
    await f.later();
    const result = await f.engine.sync(['teams']);
    expect(result.ok).toBe(true);
    expect(result.targets![0]!.scan).toMatchObject({ created: 0, updated: 1 });
    const pages = await f.pages(f.teamsDs);
    expect(pages).toHaveLength(2);
    expect(f.text((await f.byKey(f.teamsDs)).get('1')!.properties.Name)).toBe('red');
  });
});

describe.each(factories)('dependency order on $name', (factory) => {
  it('a new row referring to a new row of another table waits for its page, in the same sync', async () => {
    const f = await setup(factory);
    // Configured students first: sync still does teams first (students refer to them).
    f.sources.reverse();
    await sql.raw(`insert into ${f.teams} (name, size) values ('red', 1)`).execute(f.db);
    await sql
      .raw(`insert into ${f.students} (name, grade, team_id) values ('ann', 90, 1)`)
      .execute(f.db);
    const result = await f.engine.sync();
    expect(result.ok).toBe(true);
    expect(result.targets!.map((t) => t.source)).toEqual(['teams', 'students']);
    const team = (await f.byKey(f.teamsDs)).get('1')!;
    expect((await f.byKey(f.studentsDs)).get('1')!.properties.Team!.relation).toEqual([
      { id: team.id },
    ]);
  });
});

describe.each(factories)('a table in another database on $name', (factory) => {
  it('an insert interrupted between the two databases is adopted, never duplicated nor lost', async () => {
    const f = await setup(factory, { elsewhere: true });
    await sql
      .raw(`insert into ${f.teams} (name, size, active) values ('red', 3, true)`)
      .execute(f.db);
    expect((await f.engine.sync(['teams'])).ok).toBe(true);
    const created = await f.emu.client().pages.create({
      parent: { data_source_id: f.teamsDs },
      properties: { Name: title('green'), Size: { number: 5 } },
    } as never);
    await f.later();
    expect((await f.engine.sync(['teams'])).ok).toBe(true);
    const source = (await f.store.sources.getByName('teams'))!;
    const record = (await f.store.records.findByPageId(source.id, created.id))!;
    const item = (await f.store.targets.list(source.id)).find((i) => i.recordId === record.id)!;
    expect(item.state).toBe('synced');
    // The state a crash after the table's commit and before the bookkeeping leaves: the intent,
    // and a page that does not carry the row's key yet.
    f.emu.control.editAsUser(created.id, { [KEY_PROPERTY]: { rich_text: [] } });
    await f.later();
    await f.engine.pull(['teams']);
    const intent = (await f.store.targets.list(source.id)).length;
    const { rows } = await sql
      .raw<TableRow>(`select * from ${f.teams} where id = ${item.itemKey}`)
      .execute(f.db);
    expect(rows).toHaveLength(1);
    await f.store.targets.put({
      ...item,
      itemKey: null,
      storeHash: null,
      state: 'intent',
      targetHash: await intentHashOf(f, 'teams', rows[0]!),
    });
    await f.later();
    expect((await f.engine.sync(['teams'])).ok).toBe(true);
    expect((await f.rows(f.teams)).map((r) => r.name)).toEqual(['red', 'green']);
    expect((await f.pages(f.teamsDs)).filter((p) => !p.in_trash)).toHaveLength(2);
    expect(
      (await f.store.targets.list(source.id)).find((i) => i.recordId === record.id),
    ).toMatchObject({
      state: 'synced',
      itemKey: item.itemKey,
    });
    expect((await f.store.targets.list(source.id)).length).toBe(intent);
    // A crash before the table's commit: the intent is there, the row is not → inserted again.
    await sql.raw(`delete from ${f.teams} where id = ${item.itemKey}`).execute(f.db);
    await f.store.targets.put({
      ...item,
      itemKey: null,
      storeHash: null,
      state: 'intent',
      targetHash: 'x',
    });
    await f.later();
    expect((await f.engine.sync(['teams'])).ok).toBe(true);
    expect((await f.rows(f.teams)).map((r) => r.name)).toEqual(['red', 'green']);
    expect((await f.pages(f.teamsDs)).filter((p) => !p.in_trash)).toHaveLength(2);
  });
});

describe.each(factories)('table problems and policies on $name', (factory) => {
  it('reports a missing table, column, a key that is not unique and a type mismatch; sync writes nothing', async () => {
    const f = await setup(factory);
    await sql.raw(`insert into ${f.teams} (name, size) values ('red', 1)`).execute(f.db);
    const teams = f.sources[0]!;
    const students = f.sources[1]!;
    teams.target = { ...teams.target!, key: 'size', columns: { Name: 'nom', Active: 'name' } };
    students.target = { ...students.target!, table: `${f.students}_gone` };
    const problems = await f.engine.checkTargets();
    expect(problems.map((p) => p.path).sort()).toEqual([
      'sources[0].target.columns.Active',
      'sources[0].target.columns.Name',
      'sources[0].target.key',
      'sources[1].target.table',
    ]);
    expect(problems.find((p) => p.path.endsWith('Active'))!.message).toMatch(/checkbox/);
    const mark = f.writes();
    const error = await f.engine.sync().catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('config_invalid');
    expect(f.writesSince(mark)).toBe(0);
    expect(await f.rows(f.teams)).toHaveLength(1);
  });

  it('parks a record whose value the table refuses, with the database message; the rest go on', async () => {
    const f = await setup(factory);
    await sql
      .raw(`insert into ${f.teams} (name, size) values ('red', 1), ('blue', 2)`)
      .execute(f.db);
    expect((await f.engine.sync(['teams'])).ok).toBe(true);
    const pages = await f.byKey(f.teamsDs);
    f.emu.control.editAsUser(pages.get('1')!.id, { Size: { number: -5 } });
    f.emu.control.editAsUser(pages.get('2')!.id, { Size: { number: 20 } });
    await f.later();
    const result = await f.engine.sync(['teams']);
    expect(result.ok).toBe(false);
    expect(result.targets![0]!.export!.failed).toHaveLength(1);
    expect(result.targets![0]!.export!.failed[0]!.error).toMatch(/check|constraint/i);
    expect((await f.rows(f.teams)).map((r) => Number(r.size))).toEqual([1, 20]);
    const source = (await f.store.sources.getByName('teams'))!;
    expect(
      (await f.store.targets.list(source.id)).filter((i) => i.state === 'parked'),
    ).toHaveLength(1);
  });

  it('keeps rows and pages under the keep policies', async () => {
    const f = await setup(factory, { target: { onLocalDelete: 'keep', onNotionDelete: 'keep' } });
    await sql
      .raw(`insert into ${f.teams} (name, size) values ('red', 1), ('blue', 2)`)
      .execute(f.db);
    expect((await f.engine.sync(['teams'])).ok).toBe(true);
    const pages = await f.byKey(f.teamsDs);
    await f.emu.client().pages.update({ page_id: pages.get('1')!.id, in_trash: true });
    await sql.raw(`delete from ${f.teams} where id = 2`).execute(f.db);
    await f.later();
    const result = await f.engine.sync(['teams']);
    expect(result.ok).toBe(true);
    expect((await f.rows(f.teams)).map((r) => r.name)).toEqual(['red']);
    expect((await f.pages(f.teamsDs)).find((p) => p.id === pages.get('2')!.id)!.in_trash).toBe(
      false,
    );
    const source = (await f.store.sources.getByName('teams'))!;
    expect((await f.store.targets.list(source.id)).map((i) => i.state)).toEqual([
      'detached',
      'detached',
    ]);
    await f.later();
    const mark = f.writes();
    expect((await f.engine.sync(['teams'])).ok).toBe(true);
    expect(f.writesSince(mark)).toBe(0);
  });
});

describe.each(factories)('Notion-side bookkeeping on $name', (factory) => {
  it('push keeps last_synced and sync_status (synced, conflict, pending) without echo versions', async () => {
    const f = await setup(factory, {
      target: { bookkeeping: { lastSynced: 'last_synced', syncStatus: 'sync_status' } },
    });
    await sql
      .raw(`insert into ${f.teams} (name, size) values ('red', 1), ('blue', 2), ('gold', 3)`)
      .execute(f.db);
    expect((await f.engine.sync(['teams'])).ok).toBe(true);
    type Kept = { select?: { name: string } | null; date?: { start: string } | null };
    const kept = async (key: string) => {
      const page = (await f.byKey(f.teamsDs)).get(key)!;
      const p = page.properties as unknown as Record<string, Kept>;
      return {
        status: p.sync_status?.select?.name ?? null,
        synced: p.last_synced?.date?.start ?? null,
        id: page.id,
      };
    };
    expect(await kept('1')).toMatchObject({ status: 'synced', synced: expect.any(String) });
    // The same property on both sides → conflict; a value the table refuses → pending.
    await sql.raw(`update ${f.teams} set size = 7 where id = 1`).execute(f.db);
    f.emu.control.editAsUser((await kept('1')).id, { Size: { number: 9 } });
    f.emu.control.editAsUser((await kept('2')).id, { Size: { number: -1 } });
    await f.later();
    const result = await f.engine.sync(['teams']);
    expect(result.openConflicts).toBe(1);
    expect((await kept('1')).status).toBe('conflict');
    expect((await kept('2')).status).toBe('pending');
    expect((await kept('3')).status).toBe('synced');
    // Quiet from here on: nothing bounces back, nothing is written.
    await f.later();
    await f.engine.sync(['teams']);
    await f.later();
    const mark = f.writes();
    const quiet = await f.engine.sync(['teams']);
    expect(quiet.pull.sources[0]!.counts.updated).toBe(0);
    expect(f.writesSince(mark)).toBe(0);
  });
});

describe.each(factories)('an updatedAt column on $name', (factory) => {
  it('scans only rows whose updatedAt moved, and still sees deletes', async () => {
    const f = await setup(factory, { target: { updatedAt: 'updated_at' } });
    const t0 = "'2026-08-08T10:00:00.000Z'";
    await sql
      .raw(
        `insert into ${f.teams} (name, size, updated_at) values ('red', 1, '2026-08-08T09:00:00.000Z'), ('blue', 2, ${t0}), ('gold', 3, ${t0})`,
      )
      .execute(f.db);
    expect((await f.engine.sync(['teams'])).ok).toBe(true);
    // Row 1 (older than the last scan) changes without its timestamp: not seen; row 2 with it:
    // seen; row 3 is deleted: seen through the key listing.
    await sql.raw(`update ${f.teams} set size = 10 where id = 1`).execute(f.db);
    await sql
      .raw(`update ${f.teams} set size = 20, updated_at = '2026-08-08T11:00:00.000Z' where id = 2`)
      .execute(f.db);
    await sql.raw(`delete from ${f.teams} where id = 3`).execute(f.db);
    await f.later();
    const result = await f.engine.sync(['teams']);
    expect(result.ok).toBe(true);
    expect(result.targets![0]!.scan).toMatchObject({ updated: 1, deleted: 1 });
    const pages = await f.byKey(f.teamsDs);
    expect(pages.get('2')!.properties.Size!.number).toBe(20);
    expect(pages.get('1')!.properties.Size!.number).toBe(1);
    expect(pages.has('3')).toBe(false);
  });
});
