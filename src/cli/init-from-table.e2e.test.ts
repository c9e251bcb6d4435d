// `notion-sync init --from-table` as a user runs it: the tables live in a SQLite file of their own
// (`target.urlEnv`), Notion is an emulator on a socket. The derived schema is printed as YAML a
// user can commit — pasted into the config it plans no changes without --from-table; --plan
// exits 4 while the databases are missing, --yes creates them, a second plan exits 0; a column
// no Notion type holds fails with its key path (exit 2) and creates nothing; a schema beside a
// table target may leave the title to the table, one without a target may not.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { openSqlConnection } from '../store/index.ts';
import { runCliCaptured } from './test-support.ts';

describe('init --from-table', () => {
  let emu: Emulator;
  let server: RunningServer;

  beforeAll(async () => {
    emu = await createEmulator();
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  async function workspace(extraColumn = '') {
    const cwd = mkdtempSync(join(tmpdir(), 'ns-from-table-cli-'));
    const app = join(cwd, 'app.db');
    const connection = await openSqlConnection(app);
    await sql
      .raw(
        `create table teams (id integer primary key, name text not null, size integer, active boolean${extraColumn})`,
      )
      .execute(connection.db);
    await sql
      .raw(
        'create table students (id integer primary key, name text not null, grade real, team_id integer references teams(id))',
      )
      .execute(connection.db);
    await connection.close();
    const sources = (root: string) => [
      {
        name: 'teams',
        parent: root,
        direction: 'both',
        target: { table: 'teams', key: 'id', urlEnv: 'APP_DATABASE_URL' },
      },
      {
        name: 'students',
        parent: root,
        direction: 'both',
        target: { table: 'students', key: 'id', urlEnv: 'APP_DATABASE_URL' },
        schema: { grade: { type: 'number', format: 'percent' } },
      },
    ];
    const write = (list: unknown[]) =>
      writeFileSync(
        join(cwd, 'notion-sync.config.yaml'),
        `store: ${join(cwd, 'copy.db')}\nsources: ${JSON.stringify(list)}\n`,
      );
    write(sources(emu.rootPageId));
    const env = {
      NOTION_TOKEN: emu.token,
      NOTION_BASE_URL: server.baseUrl,
      NOTION_SYNC_RPS: '1000',
      NOTION_SYNC_BURST: '1000',
      APP_DATABASE_URL: app,
    };
    const cli = (argv: string[]) => runCliCaptured(argv, { cwd, env });
    return { cli, write, sources: () => sources(emu.rootPageId) };
  }

  it('prints the derived schema and the plan, creates both databases, then has no changes', async () => {
    const w = await workspace();
    const plan = await w.cli(['init', '--from-table', '--plan']);
    expect(plan.status).toBe(4);
    expect(plan.stdout).toMatch(/create database "teams" with .*name \(title\).*size \(number\)/);
    expect(plan.stdout).toContain('active (checkbox)');
    expect(plan.stdout).toMatch(/create database "students" with .*team_id \(relation\)/);
    expect(plan.stdout.indexOf('"teams"')).toBeLessThan(plan.stdout.indexOf('"students"'));
    const printed = parse(plan.stdout.slice(0, plan.stdout.indexOf('\nChanges'))) as {
      sources: { name: string; schema: Record<string, unknown> }[];
    };
    const students = printed.sources.find((s) => s.name === 'students')!;
    expect(students.schema.team_id).toEqual({ type: 'relation', source: 'teams' });
    expect(students.schema.grade).toEqual({ type: 'number', format: 'percent' });
    expect(students.schema.name).toBe('title');
    // A partial schema (no title) is valid beside a table target; the missing database is named.
    const before = await w.cli(['config', 'check']);
    expect(before.status).toBe(2);
    expect(before.stdout + before.stderr).toContain('notion-sync init --from-table teams');
    expect(before.stdout + before.stderr).not.toContain('declares no title');
    const plainInit = await w.cli(['init', '--plan', 'students']);
    expect(plainInit.status).toBe(2);
    expect(plainInit.stderr).toContain('init --from-table');

    const applied = await w.cli(['init', '--from-table', '--yes']);
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain('Applied 2 step(s).');
    const again = await w.cli(['init', '--from-table', '--plan']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('No changes');
    expect((await w.cli(['config', 'check'])).status).toBe(0);

    // The printed schema, committed into the config, is what init now compares against.
    const committed = w.sources().map((s) => ({
      ...s,
      schema: printed.sources.find((p) => p.name === s.name)!.schema,
    }));
    w.write(committed);
    const plain = await w.cli(['init', '--plan']);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain('No changes');
  });

  it('config check still wants a title from a schema without a table target', async () => {
    const w = await workspace();
    w.write([
      ...w.sources(),
      { name: 'loose', parent: emu.rootPageId, schema: { Score: 'number' } },
    ]);
    const check = await w.cli(['config', 'check']);
    expect(check.status).toBe(2);
    expect(check.stdout + check.stderr).toContain('sources[2].schema');
    expect(check.stdout + check.stderr).toContain('declares no title property');
  });

  it('reports a column with no Notion type by its key path and creates nothing', async () => {
    const w = await workspace(', photo blob');
    const result = await w.cli(['init', '--from-table', '--yes']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('sources[0].schema.photo');
    expect(result.stderr).toContain('maps to no Notion property type');
    expect((await w.cli(['status'])).stdout).not.toMatch(/created by init/);
  });
});
