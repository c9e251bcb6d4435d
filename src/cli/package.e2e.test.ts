// Invariant: `npm pack` ships a package that works once installed: the prepack build puts dist/
// in the tarball, the installed bin answers --version, --help and `config check`, every export
// (`notion-sync`, `/server`, `/mcp`, `/emulator`) resolves, and the tarball
// holds the LICENSE and no test files or test support. Runs npm against the registry (or its
// cache): about 20 s.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

describe('the packed tarball', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ns-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (file: string, args: string[], cwd: string) =>
    execFileSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('installs and runs its bin', () => {
    const tarball = run('npm', ['pack', '--silent', '--pack-destination', dir], ROOT).trim();
    const files = run('tar', ['tzf', join(dir, tarball)], dir).split('\n');
    expect(files).toContain('package/LICENSE');
    expect(files).toContain('package/dist/cli/main.js');
    expect(files.filter((f) => /test/.test(f))).toEqual([]);

    const app = join(dir, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true}');
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, tarball)], app);
    const bin = join(app, 'node_modules', '.bin', 'notion-sync');
    expect(run(bin, ['--version'], app).trim()).toBe(VERSION);
    expect(run(bin, ['--help'], app)).toContain('Usage: notion-sync');
    writeFileSync(join(app, 'notion-sync.config.yaml'), 'sources: []\n');
    expect(run(bin, ['config', 'check'], app)).toContain('is valid');

    // Every export of package.json resolves once installed, each with its main entry point.
    const probe = `
      const entries = { 'notion-sync': 'createEngine', 'notion-sync/server': 'createServeService',
        'notion-sync/mcp': 'createMcpServer', 'notion-sync/emulator': 'createEmulator' };
      const out = {};
      for (const [name, fn] of Object.entries(entries)) out[name] = typeof (await import(name))[fn];
      process.stdout.write(JSON.stringify(out));`;
    expect(JSON.parse(run(process.execPath, ['--input-type=module', '-e', probe], app))).toEqual({
      'notion-sync': 'function',
      'notion-sync/server': 'function',
      'notion-sync/mcp': 'function',
      'notion-sync/emulator': 'function',
    });
  }, 120_000);
});
