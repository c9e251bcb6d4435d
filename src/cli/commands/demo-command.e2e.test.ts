import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../../bin/notion-sync.js', import.meta.url).pathname;

describe('notion-sync demo', () => {
  it('pulls the demo workspace, edits, pulls again, pushes a body edited in a wiki file and leaves a queryable SQLite file', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ns-demo-'));
    const run = spawnSync(process.execPath, [BIN, 'demo', '--rate-limit', '0'], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NOTION_SYNC_RPS: '1000', NOTION_SYNC_BURST: '100' },
      timeout: 120_000,
    });
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('13. Done.');
    // The wiki step: a file's body edit pushed, seen in Notion and in the page's history.
    expect(run.stdout).toMatch(
      /Notion has it: the body of ".*" \([0-9a-f-]{36}\) now reads\n.*\(edited in a file\)/,
    );
    expect(run.stdout).toMatch(/local edit via cli\n\s+\(content changed\)/);
    const dbFile = join(cwd, 'notion-sync-demo', 'notion-sync.db');
    expect(existsSync(dbFile)).toBe(true);

    const db = new Database(dbFile, { readonly: true });
    try {
      const tasks = db.prepare('select count(*) as n from tasks').get() as { n: number };
      expect(tasks.n).toBe(520);
      const done = db
        .prepare(`select count(*) as n from tasks where "Name" = 'Ship the offline demo'`)
        .get() as { n: number };
      expect(done.n).toBe(1);
      const wiki = db.prepare('select count(*) as n from wiki').get() as { n: number };
      expect(wiki.n).toBeGreaterThan(5);
      // All three edits reached the store: the second pull updated exactly three tasks.
      const versions = db.prepare(`select count(*) as n from tasks where "_version" = 2`).get() as {
        n: number;
      };
      expect(versions.n).toBe(3);
    } finally {
      db.close();
    }
    // The history step showed the edited task's second version with its diff.
    expect(run.stdout).toMatch(/v2 .*\n(.*\n)*.*→/);
  });

  it('--workers 2: serve and two workers on an embedded PostgreSQL pull every source', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ns-demo-workers-'));
    const run = spawnSync(process.execPath, [BIN, 'demo', '--rate-limit', '0', '--workers', '2'], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NOTION_SYNC_RPS: '1000', NOTION_SYNC_BURST: '100' },
      timeout: 180_000,
    });
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.status).toBe(0);
    expect(run.stdout.match(/^ {3}worker: http/gm)).toHaveLength(2);
    expect(run.stdout).toContain('job queue (runner: distributed');
    expect(run.stdout.match(/^ {4}\S+ pid \d+: /gm)).toHaveLength(2);
    expect(run.stdout).toContain('520 live');
    expect(run.stdout).toContain('6. Done.');
  }, 200_000);
});
