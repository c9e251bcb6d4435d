// Invariant (DESIGN.md §5): a crash at any point loses nothing and never leaves the checkpoint
// ahead of the data. A child process commits batches with checkpoints and is killed with SIGKILL
// at seeded random moments; after each kill the database is intact (SQLite integrity_check),
// the pages are exactly those of batches 0..cursor, and no version is duplicated.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from './store.ts';
import { NEW_ROWS_PER_BATCH } from './test-support/crash-child.ts';
import { seededRandom } from './test-support/seeded-random.ts';
import { dropTestSchema, testPostgresUrl } from './test-support/store-factories.ts';

const CHILD = fileURLToPath(new URL('./test-support/crash-child.ts', import.meta.url));
const COMPILE_CACHE = join(tmpdir(), 'notion-sync-compile-cache');
const SQLITE_KILLS = 200;
const POSTGRES_KILLS = 20;

/** Starts the child, waits until it is committing, lets it run `delayMs`, then SIGKILLs it. */
function runAndKill(args: string[], delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Two hundred cold starts: let Node cache the compiled modules between them.
      env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited on its own: ${stderr}`));
    });
  });
}

async function checkInvariant(url: string, schema?: string): Promise<number> {
  const store = await createStore({ url, ...(schema ? { schema } : {}) });
  try {
    const source = await store.sources.getByName('crash');
    if (!source) return -1;
    const cursor = (await store.checkpoints.read(source.id))?.cursor;
    const last = cursor ? Number(cursor) : -1;
    const pages = new Set(await store.records.listPageIds(source.id));
    const expected: string[] = [];
    for (let b = 0; b <= last; b++)
      for (let i = 0; i < NEW_ROWS_PER_BATCH; i++) expected.push(`b${b}-r${i}`);
    // Missing pages = checkpoint ahead of the data; extra pages = data committed without it.
    const missing = expected.filter((p) => !pages.has(p));
    expect({
      missing: missing.slice(0, 5),
      extra: pages.size - (expected.length - missing.length),
    }).toEqual({
      missing: [],
      extra: 0,
    });
    const versions = await store.db
      .selectFrom('versions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(versions.n)).toBe(expected.length + Math.max(0, last));
    return last;
  } finally {
    await store.close();
  }
}

describe('crash safety', () => {
  const dir = mkdtempSync(join(tmpdir(), 'notion-sync-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`SQLite: ${SQLITE_KILLS} SIGKILLs leave an intact database and a checkpoint never ahead of the rows`, async () => {
    const chains = [1, 2].map(async (chain) => {
      const random = seededRandom(20261122 + chain);
      const file = join(dir, `crash-${chain}.db`);
      let progressed = -1;
      for (let i = 0; i < SQLITE_KILLS / 2; i++) {
        await runAndKill([file], Math.floor(random() * 30));
        const db = new Database(file);
        try {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        } finally {
          db.close();
        }
        progressed = await checkInvariant(file);
      }
      return progressed;
    });
    const reached = await Promise.all(chains);
    expect(reached.every((n) => n > 10)).toBe(true);
  }, 150_000);

  it(`PostgreSQL: ${POSTGRES_KILLS} SIGKILLs leave a checkpoint never ahead of the rows`, async () => {
    const url = testPostgresUrl();
    const schema = `crash_${randomBytes(4).toString('hex')}`;
    const random = seededRandom(1122);
    let reached = -1;
    try {
      for (let i = 0; i < POSTGRES_KILLS; i++) {
        await runAndKill([url, schema], Math.floor(random() * 80));
        reached = await checkInvariant(url, schema);
      }
    } finally {
      await dropTestSchema(url, schema);
    }
    expect(reached).toBeGreaterThan(2);
  }, 120_000);
});
