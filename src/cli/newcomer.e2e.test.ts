// What a newcomer hit (issue 19): read-only commands in an empty directory say "no store here"
// and create nothing; an unknown source name is a usage error (exit 2) naming the closest one; a
// damaged store file is named with what to do; a YAML alias bomb is a config error; `history`
// says what made a local edit instead of `local, local`.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { runCliCaptured } from './test-support.ts';

const DB = '0123456789abcdef0123456789abcdef';

function workspace(config = `sources:\n  - { name: tasks, database: ${DB} }\n`) {
  const cwd = mkdtempSync(join(tmpdir(), 'ns-newcomer-'));
  writeFileSync(join(cwd, 'notion-sync.config.yaml'), config);
  const cli = (argv: string[], env: Record<string, string> = {}) =>
    runCliCaptured(argv, { cwd, env: { NOTION_TOKEN: 't', ...env } });
  return { cwd, cli };
}

describe('a newcomer', () => {
  it.each([['status'], ['runs'], ['history', DB], ['conflicts']])(
    '`%s` in a directory without a store says so and creates none',
    async (...argv) => {
      const { cwd, cli } = workspace();
      const run = await cli([...argv, '--json']);
      expect(run.status).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'store_missing' } });
      expect(run.stderr).toContain('No store here');
      expect(run.stderr).toContain(join(cwd, 'notion-sync.db'));
      expect(run.stderr).toContain('notion-sync pull');
      expect(existsSync(join(cwd, 'notion-sync.db'))).toBe(false);
    },
  );

  it('`pull <unknown>` is a usage error naming the closest source', async () => {
    const { cli } = workspace();
    const typo = await cli(['pull', 'taks']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('did you mean "tasks"');
    expect((await cli(['pull', 'nosuch'])).status).toBe(2);
  });

  it('a damaged store file is named, with what to do', async () => {
    const { cwd, cli } = workspace();
    writeFileSync(join(cwd, 'notion-sync.db'), 'this is not a database'.repeat(100));
    const run = await cli(['status']);
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain('unexpected failure');
    expect(run.stderr).toContain(join(cwd, 'notion-sync.db'));
    expect(run.stderr).toContain('not a SQLite database');
  });

  it('a YAML alias bomb is a config error', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 9; i++) {
      const [prev, next] = [String.fromCharCode(97 + i), String.fromCharCode(98 + i)];
      lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const { cli } = workspace(lines.join('\n'));
    const run = await cli(['config', 'check']);
    expect(run.status).toBe(2);
    expect(run.stderr).not.toContain('unexpected failure');
  });
});

describe('history of a local edit', () => {
  let emu: Emulator;
  let server: RunningServer;

  beforeAll(async () => {
    emu = await createEmulator();
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  it('says it was a local edit made through the CLI', async () => {
    const dsId = await createDataSource(emu.client(), emu.rootPageId, {
      Name: { title: {} },
      N: { number: {} },
    });
    const [id] = emu.control.bulkCreatePages(dsId, [
      { Name: { title: [{ text: { content: 'r' } }] }, N: { number: 1 } },
    ]);
    const { cli } = workspace(
      `sources:\n  - { name: tasks, database: ${dsId}, direction: both }\n`,
    );
    const env = { NOTION_TOKEN: emu.token, NOTION_BASE_URL: server.baseUrl };
    expect((await cli(['pull'], env)).status).toBe(0);
    expect((await cli(['set', 'tasks', id!, 'N=2'], env)).status).toBe(0);
    const history = await cli(['history', id!], env);
    expect(history.stdout).toMatch(/v1 .* pulled from Notion via cli, run 1/);
    expect(history.stdout).toMatch(/v2 .* local edit via cli$/m);
    expect(history.stdout).not.toContain('local, local');
  });
});
