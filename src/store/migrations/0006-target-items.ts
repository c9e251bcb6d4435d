// Migration 0002: what each target (a user's SQL table, a Markdown folder) last exported, per
// record, and each target's scan cursor. Forward-only; lives in the engine namespace like every
// engine table — the user's own tables are never altered.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreDialect } from '../dialect.ts';
import type { Database } from '../schema.ts';

/** Migration 0002 for `dialect`: `target_items` and `target_cursors`. */
export function createTargetItemsMigration(dialect: StoreDialect): Migration {
  const idType = dialect.name === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as unknown as Kysely<Database>;
      await db.schema
        .createTable('target_items')
        .addColumn('record_id', idType, (c) => c.primaryKey().references('records.id'))
        .addColumn('source_id', idType, (c) => c.notNull().references('sources.id'))
        // The record's identity in the target: a row's key as text, a file's path. Null while an
        // insert whose key the target generates is only an intent.
        .addColumn('item_key', 'text')
        // Hash of the item as the target held it after our last export or scan.
        .addColumn('target_hash', 'text')
        // Hash of the item as the store's record wanted it at that export (skips unchanged ones).
        .addColumn('store_hash', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('target_items_key_uq')
        .on('target_items')
        .columns(['source_id', 'item_key'])
        .unique()
        .execute();
      await db.schema
        .createTable('target_cursors')
        .addColumn('source_id', idType, (c) => c.primaryKey().references('sources.id'))
        .addColumn('cursor', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
