// A plain connection to a database by URL, with the same drivers and settings as the store
// (SQLite pragmas, pg type parsers), for a user's tables that live outside the store's database.
// No engine namespace, no migrations: names are used exactly as given.
import { isAbsolute, resolve } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { DialectName } from './dialect.ts';
import { parseStoreUrl } from './store-url.ts';

/** Kysely over a user's tables: names are only known at run time (from the config). */
export type UserDatabase = Kysely<Record<string, Record<string, unknown>>>;

export interface SqlConnection {
  readonly dialect: DialectName;
  readonly db: UserDatabase;
  close(): Promise<void>;
}

/**
 * Opens `url` (a SQLite path or `sqlite:` URL, or a `postgres://` URL). A relative SQLite path is
 * resolved against `baseDir`. Errors: `store_invalid_url`, `store_error`.
 */
export async function openSqlConnection(url: string, baseDir?: string): Promise<SqlConnection> {
  const location = parseStoreUrl(url);
  if (location.dialect === 'sqlite') {
    const { openSqliteDatabase } = await import('./sqlite-dialect.ts');
    const path =
      location.path === ':memory:' || isAbsolute(location.path) || baseDir === undefined
        ? location.path
        : resolve(baseDir, location.path);
    const db: UserDatabase = new Kysely({
      dialect: new SqliteDialect({ database: openSqliteDatabase(path) }),
    });
    return { dialect: 'sqlite', db, close: () => db.destroy() };
  }
  const { createPostgresPool } = await import('./postgres-dialect.ts');
  const db: UserDatabase = new Kysely({
    dialect: new PostgresDialect({ pool: createPostgresPool(location.connectionString, 4) }),
  });
  return { dialect: 'postgres', db, close: () => db.destroy() };
}
