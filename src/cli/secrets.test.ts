// Invariant: a password in a URL (a postgres:// store, a baseUrl with user:pass) never reaches the
// terminal — not in `config show`, not in an error line, not in `--json` output.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from './test-support.ts';

const STORE_PW = 'St0rePassw0rd';
const BASE_PW = 'BaseUrlPassw0rd';

function workspace(config: string) {
  const cwd = mkdtempSync(join(tmpdir(), 'ns-secrets-'));
  writeFileSync(join(cwd, 'notion-sync.config.yaml'), config);
  return (argv: string[], env: Record<string, string> = {}) =>
    runCliCaptured(argv, { cwd, env: { NOTION_TOKEN: 'secret_x', ...env } });
}

function expectNoPasswords(run: { stdout: string; stderr: string }) {
  for (const pw of [STORE_PW, BASE_PW]) {
    expect(run.stdout).not.toContain(pw);
    expect(run.stderr).not.toContain(pw);
  }
}

describe('URL credentials', () => {
  const store = `postgres://alice:${STORE_PW}@127.0.0.1:1/app`;

  it('config show redacts the store URL password, in text and JSON', async () => {
    const cli = workspace(`store: ${store}\nsources: []\n`);
    for (const argv of [
      ['config', 'show'],
      ['--json', 'config', 'show'],
    ]) {
      const run = await cli(argv);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('postgres://alice:***@127.0.0.1:1/app');
      expectNoPasswords(run);
    }
  });

  it('a baseUrl with user:pass is a config error that does not echo the password', async () => {
    const cli = workspace(`notion:\n  baseUrl: http://bob:${BASE_PW}@127.0.0.1:1/\nsources: []\n`);
    const check = await cli(['config', 'check']);
    expect(check.status).toBe(2);
    expect(check.stderr).toContain('notion.baseUrl');
    expectNoPasswords(check);
    const fromEnv = await workspace('sources: []\n')(['--json', 'config', 'show'], {
      NOTION_BASE_URL: `http://bob:${BASE_PW}@127.0.0.1:1/`,
    });
    expect(fromEnv.status).toBe(2);
    expectNoPasswords(fromEnv);
  });

  it('an unreachable store is an error line without the password', async () => {
    const cli = workspace(`store: ${store}\nsources: []\n`);
    const run = await cli(['--verbose', 'runs']);
    expect(run.status).toBe(1);
    expectNoPasswords(run);
  });
});
