import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from './test-support.ts';

function configDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ns-cli-'));
  writeFileSync(join(dir, 'notion-sync.config.yaml'), text);
  return dir;
}

describe('CLI frame', () => {
  it('--help lists the global options and the working commands', async () => {
    const run = await runCliCaptured(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatchSnapshot();
  });

  it('config --help', async () => {
    const run = await runCliCaptured(['config', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatchSnapshot();
  });

  it('--version prints the package version', async () => {
    const run = await runCliCaptured(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unknown command exits 2 and suggests the closest one', async () => {
    const run = await runCliCaptured(['confg']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Did you mean config?');
  });

  it('an unknown flag exits 2 and suggests the closest one', async () => {
    const run = await runCliCaptured(['config', 'check', '--jsn']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Did you mean --json?');
  });

  it('a malformed option value exits 2 naming the option', async () => {
    const run = await runCliCaptured(['runs', '--limit', '0'], {
      cwd: mkdtempSync(join(tmpdir(), 'ns-cli-')),
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("'--limit <n>'");
  });

  it('resolves a relative store path against the directory the command runs in', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ns-cli-'));
    // `runs` only reads: it names the resolved path it found no store at, and creates nothing.
    const run = await runCliCaptured(['--store', 'data/here.db', 'runs'], { cwd });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(cwd, 'data', 'here.db'));
    expect(existsSync(join(cwd, 'data', 'here.db'))).toBe(false);
  });

  it('no command prints usage and exits 2', async () => {
    const run = await runCliCaptured([]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Usage: notion-sync');
  });
});

describe('config commands', () => {
  const ID = '0123456789abcdef0123456789abcdef';

  it('config check: a file with three mistakes → exit 2 and three located messages', async () => {
    const cwd = configDir(
      [
        'notion:',
        '  requestsPerSecond: -1',
        'sources:',
        `  - { name: tasks, database: ${ID} }`,
        '  - { name: 9bad, database: nope }',
      ].join('\n'),
    );
    const run = await runCliCaptured(['config', 'check'], { cwd });
    expect(run.status).toBe(2);
    const lines = run.stderr.split('\n').filter((l) => l.includes('✗'));
    expect(lines).toHaveLength(3);
    expect(run.stderr).toContain('notion.requestsPerSecond');
    expect(run.stderr).toContain('sources[1].name');
    expect(run.stderr).toContain('sources[1].database');
  });

  it('config check --json reports problems as data', async () => {
    const cwd = configDir('store: 3\n');
    const run = await runCliCaptured(['--json', 'config', 'check'], { cwd });
    expect(run.status).toBe(2);
    const doc = JSON.parse(run.stdout.split('\n{\n  "error"')[0] ?? '');
    expect(doc).toMatchObject({ ok: false, errors: [{ path: 'store', line: 1 }] });
  });

  it('config check passes a valid file', async () => {
    const cwd = configDir(`sources:\n  - name: tasks\n    database: ${ID}\n`);
    const run = await runCliCaptured(['config', 'check'], { cwd });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('is valid (1 source)');
  });

  it('config show redacts secrets and applies flags', async () => {
    const token = 'ntn_supersecretvalue0123456789';
    const run = await runCliCaptured(['--json', '--store', 'x.db', 'config', 'show'], {
      cwd: mkdtempSync(join(tmpdir(), 'ns-cli-')),
      env: { NOTION_TOKEN: token },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain(token);
    const doc = JSON.parse(run.stdout);
    expect(doc.config.store).toBe('x.db');
    expect(doc.config.notion.token).toBe('[redacted: from NOTION_TOKEN]');
  });

  it('config schema prints a JSON Schema', async () => {
    const run = await runCliCaptured(['config', 'schema']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      type: 'object',
      title: 'notion-sync configuration',
    });
  });

  it('malformed YAML exits 2 naming file, line and column', async () => {
    const cwd = configDir('sources: [\n  - a\n');
    const run = await runCliCaptured(['config', 'show'], { cwd });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/notion-sync\.config\.yaml:\d+:\d+: malformed YAML/);
  });
});
