// Invariant: a store opened with `mustExist` (what read-only commands do) is never created: a
// missing SQLite file or an empty PostgreSQL schema is `store_missing` and leaves nothing behind;
// an existing store opens as usual.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createStore } from './store.ts';
import { dropTestSchema, testPostgresUrl } from './test-support/store-factories.ts';

describe('opening a store that must exist', () => {
  it('SQLite: a missing file is store_missing and stays missing', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ns-must-exist-')), 'copy.db');
    await expect(createStore({ url: file, mustExist: true })).rejects.toMatchObject({
      code: 'store_missing',
      details: { store: file },
    });
    expect(existsSync(file)).toBe(false);
    await (await createStore({ url: file })).close();
    await (await createStore({ url: file, mustExist: true })).close();
  });

  it('PostgreSQL: a schema without the engine tables is store_missing and is not created', async () => {
    const url = testPostgresUrl();
    const schema = `must_exist_${randomBytes(4).toString('hex')}`;
    try {
      await expect(createStore({ url, schema, mustExist: true })).rejects.toMatchObject({
        code: 'store_missing',
      });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query(
        'select 1 from information_schema.schemata where schema_name = $1',
        [schema],
      );
      await client.end();
      expect(rows).toEqual([]);
      await (await createStore({ url, schema })).close();
      await (await createStore({ url, schema, mustExist: true })).close();
    } finally {
      await dropTestSchema(url, schema);
    }
  });
});
