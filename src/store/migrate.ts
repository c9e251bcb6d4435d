// Applies the engine's migrations on open: versioned, forward-only, recorded in the same
// bookkeeping table Kysely's Migrator used (`name`, `timestamp`), so stores migrated by earlier
// versions carry on. The whole migration — namespace, bookkeeping table, every pending step — runs
// in ONE write transaction that first takes the dialect's migration lock (SQLite: BEGIN IMMEDIATE;
// PostgreSQL: an advisory lock), so a process killed mid-migration leaves nothing behind and two
// processes opening a new store at once migrate it once, one after the other. A database that
// holds migrations this code does not know was migrated by a newer notion-sync: refused.
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import { NotionSyncError } from '../errors.ts';
import type { StoreDialect } from './dialect.ts';
import { createInitialMigration } from './migrations/0001-initial.ts';
import { createMcpMigration } from './migrations/0002-mcp.ts';
import { createRunOwnerMigration } from './migrations/0003-run-owner.ts';
import { createRebuildViewsMigration } from './migrations/0004-rebuild-views.ts';
import { createWebhooksMigration } from './migrations/0005-webhooks.ts';
import { createTargetItemsMigration } from './migrations/0006-target-items.ts';
import { createDeclaredDatabasesMigration } from './migrations/0007-declared-databases.ts';
import { createFilesMigration } from './migrations/0008-files.ts';
import { createConnectionStatusMigration } from './migrations/0009-connection-status.ts';
import { createConnectionOwnerMigration } from './migrations/0010-connection-owner.ts';
import { createDropPageIdIndexMigration } from './migrations/0011-drop-page-id-index.ts';
import { createRateBudgetsMigration } from './migrations/0012-rate-budgets.ts';

/** Migrations in order; names sort lexicographically and are never renamed. */
export function listMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001_initial': createInitialMigration(dialect),
    '0002_mcp': createMcpMigration(dialect),
    '0003_run_owner': createRunOwnerMigration(),
    '0004_rebuild_views': createRebuildViewsMigration(dialect),
    '0005_webhooks': createWebhooksMigration(dialect),
    '0006_target_items': createTargetItemsMigration(dialect),
    '0007_declared_databases': createDeclaredDatabasesMigration(),
    '0008_files': createFilesMigration(dialect),
    '0009_connection_status': createConnectionStatusMigration(),
    '0010_connection_owner': createConnectionOwnerMigration(),
    '0011_drop_page_id_index': createDropPageIdIndexMigration(dialect),
    '0012_rate_budgets': createRateBudgetsMigration(),
  };
}

/**
 * Brings the store's schema up to date, atomically and serialized between processes.
 * Errors: `store_too_new` for a newer database, `store_error` when a step fails (nothing applied).
 */
export async function migrateStore(
  dialect: StoreDialect,
  options: { refusePending?: boolean } = {},
): Promise<{ applied: string[] }> {
  const migrations = listMigrations(dialect);
  const known = Object.keys(migrations);
  try {
    return await dialect.transaction(async (trx) => {
      await dialect.prepare(trx);
      const table = migrationTable(dialect);
      await sql`create table if not exists ${table} (
        name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(trx);
      const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(trx);
      const done = new Set(rows.map((r) => r.name));
      refuseNewerDatabase(dialect, [...done], known);
      if (options.refusePending && done.size > 0) refuseOlderDatabase(dialect, [...done], known);
      const applied: string[] = [];
      for (const [name, migration] of Object.entries(migrations)) {
        if (done.has(name)) continue;
        await migration.up(trx as unknown as Kysely<unknown>);
        await sql`insert into ${table} (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(
          trx,
        );
        applied.push(name);
      }
      return { applied };
    });
  } catch (error) {
    if (error instanceof NotionSyncError) throw error;
    throw new NotionSyncError(
      'store_error',
      `Opening the store (${dialect.namespace}) failed: ` +
        `${error instanceof Error ? error.message : String(error)}. Nothing of its migration was ` +
        'applied. Check the store URL, that the server is reachable and that the user may create ' +
        'tables (and schemas), then run the command again.',
      { cause: error },
    );
  }
}

function migrationTable(dialect: StoreDialect) {
  const { migrationTableName, migrationTableSchema } = dialect.migrationTables;
  return migrationTableSchema
    ? sql.table(`${migrationTableSchema}.${migrationTableName}`)
    : sql.table(migrationTableName);
}

function refuseNewerDatabase(dialect: StoreDialect, applied: string[], known: string[]): void {
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

/** `store_too_old` for a process (a worker) that must not migrate a store others still use. */
function refuseOlderDatabase(dialect: StoreDialect, applied: string[], known: string[]): void {
  const pending = known.filter((name) => !applied.includes(name));
  if (pending.length === 0) return;
  throw new NotionSyncError(
    'store_too_old',
    `The store (${dialect.namespace}) is older than this notion-sync (it lacks migration ` +
      `${pending.join(', ')}). Upgrade the store first: run this version's \`notion-sync serve\` ` +
      '(or `notion-sync status`) against it once, which migrates it, then start the workers.',
    { details: { pendingMigrations: pending, latestApplied: applied.at(-1) ?? null } },
  );
}
