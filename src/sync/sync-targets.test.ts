// Sync with a table target, on SQLite and PostgreSQL, against the emulator. Invariants: rows and
// pages know each other by the key (in the sync key property); a second sync writes nothing to
// either side; edits of different properties on both sides merge, the same property is one
// conflict whose resolution lands on both sides; inserts and deletes converge both ways; a
// relation edited in Notion updates the foreign key; the user's table schema is never altered.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.ts';
import { createManualClock } from '../shared/index.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import { countWrites, PUSH_TEST_START_MS, title } from './test-support/push-fixture.ts';
import { createTableFixture, KEY_PROPERTY } from './test-support/table-fixture.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-memory');

async function setup(
  factory: (typeof factories)[number],
  options: Parameters<typeof createTableFixture>[3] = {},
) {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({ clock, faultSeed: 7 });
  const f = await createTableFixture(factory, emu, clock, options);
  const pages = async (ds: string) => {
    const out: { id: string; in_trash: boolean; properties: Record<string, any> }[] = [];
    let cursor: string | undefined;
    do {
      const res = (await emu.client().dataSources.query({
        data_source_id: ds,
        ...(cursor ? { start_cursor: cursor } : {}),
      } as never)) as unknown as { results: any[]; next_cursor: string | null };
      out.push(...res.results);
      cursor = res.next_cursor ?? undefined;
    } while (cursor);
    return out;
  };
  const text = (p: any) => (p?.title ?? p?.rich_text ?? []).map((t: any) => t.plain_text).join('');
  const byKey = async (ds: string) =>
    new Map((await pages(ds)).map((p) => [text(p.properties[KEY_PROPERTY]), p]));
  const rows = async (table: string) =>
    (await sql.raw<Record<string, any>>(`select * from ${table} order by id`).execute(f.db)).rows;
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
    expect(page.properties.Size.number).toBe(Number(row.size));
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
