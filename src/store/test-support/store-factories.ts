// "A fresh store for each dialect", for every suite that runs on both engines (store, pull, push):
//   describe.each(storeFactories())('$name', (factory) => { … await factory.create() … })
// SQLite file (in a temp directory), SQLite in memory, and PostgreSQL in a schema of its own on
// the server of the global setup (or TEST_DATABASE_URL), so tests run in parallel.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject, onTestFinished } from 'vitest';
import type { DialectName } from '../dialect.ts';
import { createStore, type Store, type StoreOptions } from '../store.ts';

export type TestStoreOptions = Omit<StoreOptions, 'url' | 'schema'>;

export interface TestStore {
  store: Store;
  /** The store URL (a file path, `:memory:` or a postgres:// URL). */
  url: string;
  /** PostgreSQL schema of this store; undefined for SQLite. */
  schema?: string;
  /** Opens the same database again (not possible for `:memory:`). */
  reopen(options?: TestStoreOptions): Promise<Store>;
}

export interface StoreFactory {
  name: 'sqlite-file' | 'sqlite-memory' | 'postgres';
  dialect: DialectName;
  /** Whether `reopen` works (false for an in-memory database). */
  persistent: boolean;
  /** A fresh, migrated, empty store; closed and removed when the test ends. */
  create(options?: TestStoreOptions): Promise<TestStore>;
}

/** Registers cleanup with Vitest's per-test hook when available. */
async function onTestEnd(fn: () => Promise<void>): Promise<void> {
  try {
    onTestFinished(fn);
  } catch {
    // Called outside a test (e.g. in beforeAll): the caller closes the store itself.
  }
}

function sqliteFileFactory(): StoreFactory {
  return {
    name: 'sqlite-file',
    dialect: 'sqlite',
    persistent: true,
    async create(options = {}) {
      const dir = mkdtempSync(join(tmpdir(), 'notion-sync-store-'));
      const url = join(dir, 'notion-sync.db');
      const opened: Store[] = [];
      const open = async (o: TestStoreOptions) => {
        const store = await createStore({ ...o, url });
        opened.push(store);
        return store;
      };
      const store = await open(options);
      await onTestEnd(async () => {
        await Promise.all(opened.map((s) => s.close().catch(() => {})));
        rmSync(dir, { recursive: true, force: true });
      });
      return { store, url, reopen: (o = options) => open(o) };
    },
  };
}

function sqliteMemoryFactory(): StoreFactory {
  return {
    name: 'sqlite-memory',
    dialect: 'sqlite',
    persistent: false,
    async create(options = {}) {
      const store = await createStore({ ...options, url: ':memory:' });
      await onTestEnd(() => store.close().catch(() => {}));
      return {
        store,
        url: ':memory:',
        reopen: () => Promise.reject(new Error('an in-memory store cannot be reopened')),
      };
    },
  };
}

/** The PostgreSQL server URL of this test run. */
export function testPostgresUrl(): string {
  return process.env.TEST_DATABASE_URL ?? inject('postgresUrl');
}

/** Drops a test schema and everything in it. */
export async function dropTestSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

function postgresFactory(): StoreFactory {
  return {
    name: 'postgres',
    dialect: 'postgres',
    persistent: true,
    async create(options = {}) {
      const url = testPostgresUrl();
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const opened: Store[] = [];
      const open = async (o: TestStoreOptions) => {
        const store = await createStore({ ...o, url, schema });
        opened.push(store);
        return store;
      };
      const store = await open(options);
      await onTestEnd(async () => {
        await Promise.all(opened.map((s) => s.close().catch(() => {})));
        await dropTestSchema(url, schema);
      });
      return { store, url, schema, reopen: (o = options) => open(o) };
    },
  };
}

/** Factories for every dialect the store supports, for `describe.each`. */
export function storeFactories(): StoreFactory[] {
  return [sqliteFileFactory(), sqliteMemoryFactory(), postgresFactory()];
}
