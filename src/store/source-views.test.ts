// Invariant: every source has a plain SQL view of its live rows, one column per property named
// from the property name and read by property id — so a rename renames the column and keeps the
// values; tombstoned rows are only in `<name>_all`; a plain SQLite connection can select from it.
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { sanitizeIdentifier } from './source-views.ts';
import { pulledRow, TASKS_SCHEMA } from './test-support/pulled-rows.ts';
import { storeFactories } from './test-support/store-factories.ts';

describe('sanitizeIdentifier', () => {
  it('makes lower-case SQL identifiers from names', () => {
    expect(sanitizeIdentifier('Estimate (h)', 'x')).toBe('estimate_h');
    expect(sanitizeIdentifier('Crème brûlée', 'x')).toBe('creme_brulee');
    expect(sanitizeIdentifier('2025 plan', 'x')).toBe('p_2025_plan');
    expect(sanitizeIdentifier('🙂', 'property')).toBe('property');
  });
});

describe.each(storeFactories())('source views on $name', (factory) => {
  async function setup() {
    const created = await factory.create();
    const { store } = created;
    const { source } = await store.sources.upsert({
      name: 'Tasks',
      kind: 'data_source',
      notionId: 'ds-1',
      schema: TASKS_SCHEMA,
    });
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [
        pulledRow('p1', { title: 'Write', 'a%3Bb': 'Doing', 'n%40x': 3, 'd%3Ee': false }),
        pulledRow('p2', { title: 'Ship', 'a%3Bb': 'Done', 'n%40x': 1.5, 'd%3Ee': true }),
      ],
    });
    const view = (name: string) =>
      created.schema ? sql.table(`${created.schema}.${name}`) : sql.table(name);
    const select = async (name: string) =>
      (
        await sql<Record<string, unknown>>`select * from ${view(name)} order by _page_id`.execute(
          store.db,
        )
      ).rows;
    return { ...created, source, select };
  }

  it('shows one column per property, typed values, live rows only', async () => {
    const { store, source, select } = await setup();
    expect(source.viewName).toBe('tasks');
    const rows = await select('tasks');
    expect(
      rows.map((r) => [r._page_id, r.name, r.status, Number(r.estimate_h), Boolean(r.done)]),
    ).toEqual([
      ['p1', 'Write', 'Doing', 3, false],
      ['p2', 'Ship', 'Done', 1.5, true],
    ]);
    await store.records.tombstone({ sourceId: source.id, pageIds: ['p2'], state: 'trashed' });
    expect((await select('tasks')).map((r) => r._page_id)).toEqual(['p1']);
    expect((await select('tasks_all')).map((r) => [r._page_id, r._tombstone])).toEqual([
      ['p1', null],
      ['p2', 'trashed'],
    ]);
  });

  it('follows a rename, adds new properties, drops removed ones, and records the changes', async () => {
    const { store, source, select } = await setup();
    const { title, 'a%3Bb': status, 'n%40x': _estimate, ...rest } = TASKS_SCHEMA.properties;
    const next = {
      properties: {
        title: title!,
        'a%3Bb': { ...status!, name: 'Stage' },
        'd%3Ee': { ...rest['d%3Ee']!, type: 'formula' },
        'z%21z': { id: 'z%21z', name: 'Name', type: 'rich_text' },
      },
    };
    const { schemaChanges } = await store.sources.upsert({
      name: 'Tasks',
      kind: 'data_source',
      notionId: 'ds-1',
      schema: next,
    });
    expect(schemaChanges.map((c) => [c.propertyId, c.change]).sort()).toEqual(
      [
        ['a%3Bb', 'renamed'],
        ['d%3Ee', 'type_changed'],
        ['n%40x', 'removed'],
        ['z%21z', 'added'],
      ].sort(),
    );
    expect((await store.sources.listSchemaChanges(source.id)).length).toBe(4);
    const [row] = await select('tasks');
    expect(Object.keys(row!).filter((k) => !k.startsWith('_'))).toEqual([
      'name',
      'done',
      'name_2',
      'stage',
    ]);
    expect(row).toMatchObject({ name: 'Write', stage: 'Doing', name_2: null });
  });

  it('never replaces a user object that holds the name', async () => {
    const { store, schema } = await factory.create();
    const table = schema ? sql.table(`${schema}.notes`) : sql.table('notes');
    await sql`create table ${table} (id integer)`.execute(store.db);
    const { source } = await store.sources.upsert({
      name: 'notes',
      kind: 'page',
      notionId: 'pg-1',
      schema: TASKS_SCHEMA,
    });
    expect(source.viewName).toBe('notes_notion');
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${table}`.execute(store.db);
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it.runIf(factory.name === 'sqlite-file')('can be read by a plain SQLite connection', async () => {
    const { url } = await setup();
    const plain = new Database(url, { readonly: true });
    try {
      const rows = plain.prepare('select name, status, estimate_h from tasks order by name').all();
      expect(rows).toEqual([
        { name: 'Ship', status: 'Done', estimate_h: 1.5 },
        { name: 'Write', status: 'Doing', estimate_h: 3 },
      ]);
    } finally {
      plain.close();
    }
  });
});
