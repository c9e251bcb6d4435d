// Applies the engine's migrations on open with Kysely's Migrator: versioned, forward-only, under
// the migrator's lock so two processes opening the same store never migrate twice. A database
// that holds migrations this code does not know was migrated by a newer notion-sync: refused.
import { sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { NotionSyncError } from '../errors.ts';
import type { StoreDialect } from './dialect.ts';
import { createInitialMigration } from './migrations/0001-initial.ts';
import { createMcpMigration } from './migrations/0002-mcp.ts';
import { createDeclaredDatabasesMigration } from './migrations/0004-declared-databases.ts';

/** Migrations in order; names sort lexicographically and are never renamed. */
export function listMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001_initial': createInitialMigration(dialect),
    '0002_mcp': createMcpMigration(dialect),
    '0004_declared_databases': createDeclaredDatabasesMigration(),
  };
}

/** Brings the store's schema up to date; throws `store_too_new` for a newer database. */
export async function migrateStore(dialect: StoreDialect): Promise<{ applied: string[] }> {
  const migrations = listMigrations(dialect);
  await refuseNewerDatabase(dialect, Object.keys(migrations));
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db: dialect.db, provider, ...dialect.migrationTables });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    if (error instanceof NotionSyncError) throw error;
    throw new NotionSyncError(
      'store_error',
      `Migrating the store (${dialect.namespace}) failed; nothing of the failed step was applied. ` +
        'Check the database permissions and the log, then open it again.',
      { cause: error },
    );
  }
  return { applied: (results ?? []).map((r) => r.migrationName) };
}

async function refuseNewerDatabase(dialect: StoreDialect, known: string[]): Promise<void> {
  const applied = await readAppliedMigrations(dialect);
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new NotionSyncError(
      'store_too_new',
      `The store (${dialect.namespace}) was migrated by a newer notion-sync (it has migration ` +
        `${unknown.join(', ')}, this version knows up to ${known.at(-1)}). Upgrade notion-sync, ` +
        'or point `store` at another database.',
      { details: { unknownMigrations: unknown, latestKnown: known.at(-1) } },
    );
  }
}

async function readAppliedMigrations(dialect: StoreDialect): Promise<string[]> {
  const { migrationTableName, migrationTableSchema } = dialect.migrationTables;
  const table = migrationTableSchema
    ? sql.table(`${migrationTableSchema}.${migrationTableName}`)
    : sql.table(migrationTableName);
  const exists = await migrationTableExists(dialect);
  if (!exists) return [];
  const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(dialect.db);
  return rows.map((r) => r.name);
}

async function migrationTableExists(dialect: StoreDialect): Promise<boolean> {
  const { migrationTableName, migrationTableSchema } = dialect.migrationTables;
  if (dialect.name === 'sqlite') {
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from sqlite_master where type = 'table' and name = ${migrationTableName}`.execute(
      dialect.db,
    );
    return (rows[0]?.n ?? 0) > 0;
  }
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from information_schema.tables
    where table_schema = ${migrationTableSchema ?? 'public'} and table_name = ${migrationTableName}`.execute(
    dialect.db,
  );
  return (rows[0]?.n ?? 0) > 0;
}
