// Invariant: a signal ends a run cleanly. SIGINT or SIGTERM sent to a real `notion-sync pull`
// process stops it after the batch it is committing: the rows committed stay, the checkpoint is
// kept, the run is `interrupted` (not left `running`), the process exits 130/143, and the next
// pull starts at once and completes. A pull killed outright (SIGKILL) leaves a `running` run whose
// process is gone: on the same host the next pull takes its lease over at once.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { runCliCaptured } from './test-support.ts';

const BIN = fileURLToPath(new URL('../../bin/notion-sync.js', import.meta.url));
const ROWS = 500;

const title = (content: string) => ({ title: [{ text: { content } }] });

describe('signals during a pull', () => {
  let emu: Emulator;
  let server: RunningServer;
  let dsId: string;

  beforeAll(async () => {
    // Slow responses: a pull of 5 pages of rows takes long enough to be signalled midway.
    emu = await createEmulator({ latencyMs: 150 });
    dsId = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
    emu.control.bulkCreatePages(
      dsId,
      Array.from({ length: ROWS }, (_, i) => ({ Name: title(`r${i}`) })),
    );
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  function workspace() {
    const cwd = mkdtempSync(join(tmpdir(), 'ns-signal-'));
    const db = join(cwd, 'copy.db');
    writeFileSync(
      join(cwd, 'notion-sync.config.yaml'),
      `store: ${db}\nsources:\n  - { name: tasks, database: ${dsId} }\n`,
    );
    const env = {
      NOTION_TOKEN: emu.token,
      NOTION_BASE_URL: server.baseUrl,
      NOTION_SYNC_RPS: '1000',
      NOTION_SYNC_BURST: '1000',
    };
    return { cwd, db, env };
  }

  /** Spawns `notion-sync pull` and sends `signal` once its first batch is committed. */
  async function pullAndSignal(
    ws: ReturnType<typeof workspace>,
    signal: NodeJS.Signals,
  ): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [BIN, 'pull'], {
      cwd: ws.cwd,
      env: { ...process.env, ...ws.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    await waitForRows(ws.db, child);
    child.kill(signal);
    return { code: await exited, stderr };
  }

  function lastRun(file: string) {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('select status, pid from ns_runs order by id desc limit 1').get() as {
        status: string;
        pid: number | null;
      };
    } finally {
      db.close();
    }
  }

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: the run ends interrupted, keeps its rows, and the next pull completes',
    async (signal, status) => {
      const ws = workspace();
      const { code, stderr } = await pullAndSignal(ws, signal);
      expect(code).toBe(status);
      expect(stderr).toContain('was interrupted');
      expect(lastRun(ws.db).status).toBe('interrupted');
      const kept = countRows(ws.db);
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(ROWS);

      const next = await runCliCaptured(['pull', '--json'], { cwd: ws.cwd, env: ws.env });
      expect(next.status).toBe(0);
      expect(countRows(ws.db)).toBe(ROWS);
    },
  );

  it('SIGKILL: the next pull on this host takes over the dead process lease at once', async () => {
    const ws = workspace();
    await pullAndSignal(ws, 'SIGKILL');
    expect(lastRun(ws.db).status).toBe('running');
    const next = await runCliCaptured(['pull', '--json'], { cwd: ws.cwd, env: ws.env });
    expect(next.stderr).toBe('');
    expect(next.status).toBe(0);
    expect(countRows(ws.db)).toBe(ROWS);
  });
});

/** Rows in the store; 0 while the child has not created or migrated it yet. */
function countRows(file: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return (db.prepare('select count(*) as n from ns_records').get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db?.close();
  }
}

/** Polls the store until the child has committed its first batch. */
async function waitForRows(file: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error('the pull ended before it was signalled');
    if (countRows(file) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
