// Reuses prepared SQLite statements by SQL text. Kysely's SQLite driver prepares every query
// afresh; a pull runs the same few statements for every batch, and each fresh statement costs a
// parse and holds native memory until the garbage collector finalizes it — memory V8 does not
// see, so it piled up as RSS. Invariant: a statement is reused only when idle (`busy` is false:
// no iteration in progress); the cache is a small LRU, so memory stays bounded.
import type SqliteDatabase from 'better-sqlite3';

/** What Kysely's SqliteDialect needs of a database. */
export interface PreparingDatabase {
  prepare(sql: string): SqliteDatabase.Statement;
  close(): void;
}

/** Wraps `database` so identical SQL reuses one idle prepared statement (LRU of `size`). */
export function withStatementCache(
  database: SqliteDatabase.Database,
  size = 64,
): PreparingDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql) {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = database.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
      return statement;
    },
    close: () => {
      cache.clear();
      database.close();
    },
  };
}
