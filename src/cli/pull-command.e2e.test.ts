// The pull, status, history and runs commands against a standalone emulator on a socket, as a
// user runs them: config file, NOTION_TOKEN and NOTION_BASE_URL from the environment.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { runCliCaptured } from './test-support.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });

describe('pull, status, history and runs commands', () => {
  let emu: Emulator;
  let server: RunningServer;
  let dsId: string;
  let ids: string[];

  beforeAll(async () => {
    emu = await createEmulator();
    dsId = await createDataSource(emu.client(), emu.rootPageId, {
      Name: { title: {} },
      N: { number: {} },
    });
    ids = emu.control.bulkCreatePages(
      dsId,
      Array.from({ length: 30 }, (_, i) => ({ Name: title(`r${i}`), N: { number: i } })),
    );
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  function workspace(sources: string) {
    const cwd = mkdtempSync(join(tmpdir(), 'ns-pull-cli-'));
    writeFileSync(
      join(cwd, 'notion-sync.config.yaml'),
      `store: ${join(cwd, 'copy.db')}\nsources:\n${sources}\n`,
    );
    const env = {
      NOTION_TOKEN: emu.token,
      NOTION_BASE_URL: server.baseUrl,
      NOTION_SYNC_RPS: '1000',
      NOTION_SYNC_BURST: '1000',
    };
    return (argv: string[], extraEnv: Record<string, string> = {}) =>
      runCliCaptured(argv, { cwd, env: { ...env, ...extraEnv } });
  }

  it('pulls with a summary, reports JSON counts, status, history and runs', async () => {
    const cli = workspace(`  - { name: tasks, database: ${dsId} }`);
    const first = await cli(['pull']);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/tasks\s+ok\s+full\s+30\s+30/);
    expect(first.stderr).toContain('tasks: done  rows 30');

    emu.control.editAsUser(ids[3]!, { N: { number: 99 } });
    const second = await cli(['pull', 'tasks', '--json']);
    expect(second.status).toBe(0);
    const doc = JSON.parse(second.stdout) as { sources: Record<string, unknown>[] };
    expect(doc.sources[0]).toMatchObject({
      source: 'tasks',
      status: 'ok',
      created: 0,
      updated: 1,
      deleted: 0,
      restored: 0,
    });
    expect(doc.sources[0]!.apiCalls).toHaveProperty(['POST /v1/data_sources/{id}/query']);

    const status = JSON.parse((await cli(['status', '--json'])).stdout) as {
      sources: { rows: unknown; name: string }[];
    };
    expect(status.sources[0]).toMatchObject({ name: 'tasks', rows: { live: 30, tombstoned: 0 } });
    const text = await cli(['status']);
    expect(text.stdout).toContain('30 live, 0 tombstoned');

    const history = await cli(['history', ids[3]!.replaceAll('-', ''), '--diff']);
    expect(history.status).toBe(0);
    expect(history.stdout).toContain('N: 3 → 99');

    const runs = JSON.parse((await cli(['runs', '--json'])).stdout) as {
      runs: { status: string; source: string }[];
    };
    expect(runs.runs.map((r) => [r.source, r.status])).toEqual([
      ['tasks', 'ok'],
      ['tasks', 'ok'],
    ]);
  });

  it('names an unknown or unshared database and says how to share it (exit 1)', async () => {
    const missing = '0f0f0f0f0f0f40f08f0f0f0f0f0f0f0f';
    const cli = workspace(`  - { name: ghost, database: ${missing} }`);
    const run = await cli(['pull']);
    expect(run.status).toBe(1);
    const json = await cli(['pull', '--json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      sources: [{ source: 'ghost', status: 'failed' }],
    });
    expect(run.stderr).toContain('0f0f0f0f-0f0f-40f0-8f0f-0f0f0f0f0f0f');
    expect(run.stderr).toContain('Connections');
  });

  it('says a rejected token is rejected and where it comes from (exit 1)', async () => {
    const run = await workspace(`  - { name: tasks, database: ${dsId} }`)(['pull'], {
      NOTION_TOKEN: 'ntn_wrong',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('NOTION_TOKEN');
  });

  it('refuses an invalid id with the key path (exit 2)', async () => {
    const run = await workspace('  - { name: tasks, database: not-an-id }')(['pull']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('sources[0].database');
  });
});
