// Invariant: opening a store is atomic and serialized between processes. A process killed at any
// moment of a store's first open (its migration) leaves a store the next process opens, and any
// number of processes opening a new store at once all succeed — on SQLite and on PostgreSQL.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from './store.ts';
import { seededRandom } from './test-support/seeded-random.ts';
import { dropTestSchema, testPostgresUrl } from './test-support/store-factories.ts';

const CHILD = fileURLToPath(new URL('./test-support/open-child.ts', import.meta.url));
const COMPILE_CACHE = join(tmpdir(), 'notion-sync-compile-cache');
const KILLS = 50;
const PARALLEL_KILLS = 5;
const CONCURRENT_OPENS = 10;

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the child; with `killAfterMs`, SIGKILLs it that long after it starts opening. */
function runChild(args: string[], killAfterMs?: number): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      if (killAfterMs !== undefined && d.toString().includes('opening')) {
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

async function expectOpens(url: string, schema?: string): Promise<void> {
  const store = await createStore({ url, ...(schema ? { schema } : {}) });
  try {
    expect(await store.sources.list()).toEqual([]);
  } finally {
    await store.close();
  }
}

describe('first open of a store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'notion-sync-first-open-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`SQLite: ${KILLS} SIGKILLs during the first open leave stores that open`, async () => {
    const random = seededRandom(19_001);
    let killedMidway = 0;
    for (let round = 0; round < KILLS / PARALLEL_KILLS; round++) {
      const files = Array.from({ length: PARALLEL_KILLS }, (_, i) =>
        join(dir, `k${round}-${i}.db`),
      );
      const results = await Promise.all(
        files.map((file) => runChild([file], Math.floor(random() * 40))),
      );
      killedMidway += results.filter((r) => r.signal === 'SIGKILL').length;
      for (const file of files) await expectOpens(file);
    }
    expect(killedMidway).toBeGreaterThan(KILLS / 2);
  }, 120_000);

  it(`SQLite: ${CONCURRENT_OPENS} processes opening one new store at once all succeed`, async () => {
    for (let round = 0; round < 2; round++) {
      const file = join(dir, `concurrent-${round}.db`);
      const results = await Promise.all(
        Array.from({ length: CONCURRENT_OPENS }, () => runChild([file])),
      );
      expect(results.map((r) => (r.code === 0 ? 'ok' : r.stderr))).toEqual(
        Array(CONCURRENT_OPENS).fill('ok'),
      );
      await expectOpens(file);
    }
  }, 120_000);

  it('PostgreSQL: SIGKILLs during the first open and concurrent first opens leave schemas that open', async () => {
    const url = testPostgresUrl();
    const random = seededRandom(19_002);
    const schemas: string[] = [];
    const fresh = () => {
      const schema = `first_open_${randomBytes(4).toString('hex')}`;
      schemas.push(schema);
      return schema;
    };
    try {
      for (let i = 0; i < 10; i++) {
        const schema = fresh();
        await runChild([url, schema], Math.floor(random() * 80));
        await expectOpens(url, schema);
      }
      const schema = fresh();
      const results = await Promise.all(
        Array.from({ length: CONCURRENT_OPENS }, () => runChild([url, schema])),
      );
      expect(results.map((r) => (r.code === 0 ? 'ok' : r.stderr))).toEqual(
        Array(CONCURRENT_OPENS).fill('ok'),
      );
      await expectOpens(url, schema);
    } finally {
      for (const schema of schemas) await dropTestSchema(url, schema);
    }
  }, 120_000);
});
