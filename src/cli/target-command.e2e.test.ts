// `config check` and `sync` with a table target as a user runs them against a standalone emulator
// on a socket: the table lives in a SQLite file named by APP_DATABASE_URL. A target that does not
// fit its table → exit 2 naming each key path, before anything is written; a fitting one syncs
// rows to pages and prints the scan and the export.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { openSqlConnection } from '../store/index.ts';
import { runCliCaptured } from './test-support.ts';

describe('config check and sync with a table target', () => {
  let emu: Emulator;
  let server: RunningServer;
  let dsId: string;

  beforeAll(async () => {
    emu = await createEmulator();
    dsId = await createDataSource(emu.client(), emu.rootPageId, {
      Name: { title: {} },
      Size: { number: {} },
    });
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  async function workspace(target: string) {
    const cwd = mkdtempSync(join(tmpdir(), 'ns-target-cli-'));
    const app = join(cwd, 'app.db');
    const connection = await openSqlConnection(app);
    await sql`create table teams (id integer primary key, name text not null, size text)`.execute(
      connection.db,
    );
    await sql`insert into teams (name, size) values ('red', 'big')`.execute(connection.db);
    await connection.close();
    writeFileSync(
      join(cwd, 'notion-sync.config.yaml'),
      `store: ${join(cwd, 'copy.db')}\nsources:\n  - name: teams\n    database: ${dsId}\n    direction: both\n    syncKeyProperty: postgres_id\n    target: ${target}\n`,
    );
    const env = {
      NOTION_TOKEN: emu.token,
      NOTION_BASE_URL: server.baseUrl,
      NOTION_SYNC_RPS: '1000',
      NOTION_SYNC_BURST: '1000',
      APP_DATABASE_URL: app,
    };
    return (argv: string[]) => runCliCaptured(argv, { cwd, env });
  }

  it('config check names every problem with its key path; sync refuses to start', async () => {
    const cli = await workspace(
      '{ table: teams, key: name, urlEnv: APP_DATABASE_URL, columns: { Size: size, Nom: nom } }',
    );
    const check = await cli(['config', 'check']);
    expect(check.status).toBe(2);
    expect(check.stderr).toContain('sources[0].target.key');
    expect(check.stderr).toContain('sources[0].target.columns.Size');
    expect(check.stderr).toContain('sources[0].target.columns.Nom');
    const before = emu.control.requestLog().length;
    const sync = await cli(['sync']);
    expect(sync.status).toBe(2);
    const writes = emu.control
      .requestLog()
      .slice(before)
      .filter((e) => e.method !== 'GET' && !e.route?.endsWith('/query'));
    expect(writes.filter((e) => e.route === 'POST /v1/pages')).toHaveLength(0);
  });

  it('sync turns rows into pages and reports the scan and the export', async () => {
    const cli = await workspace(
      '{ table: teams, key: id, urlEnv: APP_DATABASE_URL, columns: { Name: name } }',
    );
    expect((await cli(['config', 'check'])).status).toBe(0);
    const sync = await cli(['sync']);
    expect(sync.status).toBe(0);
    expect(sync.stdout).toContain('teams (table): scan 1 rows: 1 new');
    const json = await cli(['--json', 'sync']);
    expect(JSON.parse(json.stdout).targets[0].scan).toMatchObject({ unchanged: 1, created: 0 });
  });
});
