import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/notion-sync.js', import.meta.url).pathname;

describe('notion-sync binary', () => {
  it('runs --version and --help as a process', () => {
    const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: notion-sync');
  });

  it('exits 2 on an unknown command', () => {
    const run = spawnSync(process.execPath, [BIN, 'pul'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
  });
});
