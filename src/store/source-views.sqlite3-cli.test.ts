// Invariant: the per-source views work in the SQLite a user is likely to have, not only in the
// bundled one: Debian's `sqlite3` CLI (3.40 on bookworm) reads every view column, whatever the
// property ids look like — ids that start with a digit, or hold `[`, `.`, `$`, `%`, `'`, `"`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from './store.ts';
import { pulledRow } from './test-support/pulled-rows.ts';

const SQLITE3 = '/usr/bin/sqlite3';
const available = existsSync(SQLITE3);
if (!available) {
  console.warn(
    `SKIPPED: ${SQLITE3} is missing — install Debian's sqlite3 package to test the views with it.`,
  );
}

const ODD_IDS = ['8vpi', '1', '[a]', 'a.b', '$x', 'n%40x', "it's", 'say "hi"'];

describe.runIf(available)('source views read through the sqlite3 CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ns-sqlite3-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A store with one source whose property ids take every odd shape, and one row. */
  async function oddStore(file: string): Promise<void> {
    const store = await createStore({ url: file });
    const properties = Object.fromEntries([
      ['title', { id: 'title', name: 'Name', type: 'title' }],
      ...ODD_IDS.map((id, i) => [id, { id, name: `P${i}`, type: 'number' }]),
    ]);
    const { source } = await store.sources.upsert({
      name: 'tasks',
      kind: 'data_source',
      notionId: 'ds-1',
      schema: { properties },
    });
    const fields = Object.fromEntries([
      ['title', 'Write'],
      ...ODD_IDS.map((id, i) => [id, i + 10]),
    ]);
    await store.records.commitPullBatch({ sourceId: source.id, rows: [pulledRow('p1', fields)] });
    await store.close();
  }

  function expectReadable(file: string): void {
    for (const view of ['tasks', 'tasks_all']) {
      const out = execFileSync(SQLITE3, ['-json', file, `select * from ${view}`], {
        encoding: 'utf8',
      });
      const [row] = JSON.parse(out) as Record<string, unknown>[];
      expect(row).toMatchObject({
        name: 'Write',
        ...Object.fromEntries(ODD_IDS.map((_, i) => [`p${i}`, i + 10])),
      });
    }
  }

  it('selects every column of both views, with property ids of any shape', async () => {
    const file = join(dir, 'views.db');
    await oddStore(file);
    expectReadable(file);
  });

  it('a store whose views were made by an older version gets them rebuilt on open', async () => {
    const file = join(dir, 'old-views.db');
    await oddStore(file);
    const db = new Database(file);
    db.exec(`DROP VIEW tasks; CREATE VIEW tasks AS SELECT v.fields ->> '8vpi' AS p0
      FROM ns_records r JOIN ns_versions v ON v.id = r.current_version_id;
      DELETE FROM ns_migrations WHERE name = '0004_rebuild_views';`);
    db.close();
    expect(() => execFileSync(SQLITE3, [file, 'select * from tasks'], { stdio: 'pipe' })).toThrow(
      /JSON path error/,
    );
    await (await createStore({ url: file })).close();
    expectReadable(file);
  });
});
