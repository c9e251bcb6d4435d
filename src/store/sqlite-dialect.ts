// SQLite through better-sqlite3: one connection per store, WAL with synchronous=FULL (a commit
// survives power loss), foreign keys on, a busy timeout. Write transactions start with
// BEGIN IMMEDIATE so two processes never deadlock upgrading a read lock. Engine tables carry the
// `ns_` prefix; the user's tables are never touched.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  type ColumnDefinitionBuilder,
  Kysely,
  type Kysely as KyselyType,
  SqliteDialect,
  sql,
} from 'kysely';
import { NotionSyncError } from '../errors.ts';
import { quoteIdentifier, quoteLiteral, type StoreDialect } from './dialect.ts';
import type { Database, EngineTable } from './schema.ts';
import { withStatementCache } from './statement-cache.ts';
import { TablePrefixPlugin } from './table-prefix-plugin.ts';

export const SQLITE_TABLE_PREFIX = 'ns_';
const BUSY_TIMEOUT_MS = 10_000;

export interface SqliteDialectOptions {
  /** File path, or `:memory:`. */
  path: string;
}

/** The error for a store file SQLite cannot read: it names the file and the ways out. */
function unreadableFile(file: string, cause: unknown): NotionSyncError {
  const code = (cause as { code?: unknown }).code;
  const damaged = code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new NotionSyncError(
    'store_error',
    damaged
      ? `The database ${file} is not a SQLite database or is damaged (${reason}). Restore it from a ` +
          'backup, or move it away and run `notion-sync pull` to build a new store from Notion ' +
          '(local history and unpushed edits in the old file would not be in it); or point ' +
          '`store` at another file.'
      : `Cannot open the SQLite database at ${file} (${reason}): check that the file is readable and writable.`,
    { details: { path: file, sqliteCode: code }, cause },
  );
}

/** Opens a SQLite file (created if missing) with the engine's pragmas: WAL, synchronous=FULL. */
export function openSqliteDatabase(path: string): SqliteDatabase.Database {
  const memory = path === ':memory:';
  const file = memory ? ':memory:' : resolve(path);
  if (!memory) mkdirSync(dirname(file), { recursive: true });
  let database: SqliteDatabase.Database;
  try {
    database = new SqliteDatabase(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (cause) {
    throw new NotionSyncError(
      'store_error',
      `Cannot open the SQLite database at ${file}: check that the directory exists and is writable.`,
      { details: { path: file }, cause },
    );
  }
  try {
    // The first statements read the file's header: a file that is not SQLite fails here.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (cause) {
    database.close();
    throw unreadableFile(file, cause);
  }
  return database;
}

/** Opens a SQLite database file (created if missing) as a store dialect. */
export function createSqliteDialect(options: SqliteDialectOptions): StoreDialect {
  const memory = options.path === ':memory:';
  const file = memory ? ':memory:' : resolve(options.path);
  const database = openSqliteDatabase(file);
  const statements = withStatementCache(database);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: statements }),
    plugins: [new TablePrefixPlugin(SQLITE_TABLE_PREFIX)],
  });
  const tableRef = (table: EngineTable) => quoteIdentifier(`${SQLITE_TABLE_PREFIX}${table}`);

  return {
    name: 'sqlite',
    db,
    namespace: `tables prefixed ${SQLITE_TABLE_PREFIX} in ${file}`,
    migrationTables: {
      migrationTableName: `${SQLITE_TABLE_PREFIX}migrations`,
    },
    jsonType: 'text',
    // `transaction` starts with BEGIN IMMEDIATE: the write lock is already held.
    prepare: async () => {},
    transaction: (fn) =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          if (database.inTransaction) await sql`rollback`.execute(conn);
          throw error;
        }
      }),
    // One connection: inside `transaction` this runs in its transaction. Plain SQL through the
    // statement cache (a batch of the same size reuses its prepared statement).
    executeValues: async (_trx, statement, rows) => {
      if (rows.length === 0) return [];
      const tuple = `(${statement.tuple.join(', ')})`;
      const prepared = statements.prepare(statement.sql(rows.map(() => tuple).join(', ')));
      const parameters = rows.flat();
      if (!prepared.reader) {
        prepared.run(parameters);
        return [];
      }
      return prepared.all(parameters) as Record<string, unknown>[];
    },
    primaryKey: (column: ColumnDefinitionBuilder) => column.primaryKey().autoIncrement(),
    tableRef,
    viewRef: (name) => quoteIdentifier(name),
    appendOnlyStatements: () => {
      const versions = tableRef('versions');
      const guard = tableRef('retention_guard');
      const body = (op: string) =>
        `CREATE TRIGGER ${quoteIdentifier(`${SQLITE_TABLE_PREFIX}versions_no_${op.toLowerCase()}`)} ` +
        `BEFORE ${op} ON ${versions} ` +
        `WHEN NOT EXISTS (SELECT 1 FROM ${guard} WHERE id = 1 AND allow_prune = 1) ` +
        `BEGIN SELECT RAISE(ABORT, 'notion-sync: versions are append-only (${op} refused)'); END`;
      return [body('UPDATE'), body('DELETE')];
    },
    setRetentionAllowed: async (trx, allowed) => {
      await trx
        .updateTable('retention_guard')
        .set({ allow_prune: allowed ? 1 : 0 })
        .where('id', '=', 1)
        .execute();
    },
    // The key is quoted in the JSON path: a bare `->> '8vpi'` is a path error in SQLite before
    // 3.45 (Debian's 3.40) for ids starting with a digit or holding `[`, `.`, `$`. A quoted
    // label cannot hold `"`, so such an id is looked up through json_each instead.
    fieldExpression: (alias, propertyId) =>
      propertyId.includes('"')
        ? `(SELECT value FROM json_each(${alias}.fields) WHERE key = ${quoteLiteral(propertyId)})`
        : `json_extract(${alias}.fields, ${quoteLiteral(`$."${propertyId}"`)})`,
    relationKind: async (name, trx: KyselyType<Database>) => {
      const { rows } = await sql<{ type: string }>`
        select type from sqlite_master where name = ${name}`.execute(trx);
      const type = rows[0]?.type;
      return type === undefined ? null : type === 'view' ? 'view' : 'other';
    },
    isInitialized: async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*) as n from sqlite_master
        where type = 'table' and name = ${`${SQLITE_TABLE_PREFIX}migrations`}`.execute(db);
      return (rows[0]?.n ?? 0) > 0;
    },
    close: () => db.destroy(),
  };
}
