// The databases `notion-sync init` created (or adopted) for sources with a declared schema: their
// ids live in the store, never written back into the user's config file.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Database } from '../schema.ts';

export function createDeclaredDatabasesMigration(): Migration {
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as unknown as Kysely<Database>;
      await db.schema
        .createTable('declared_databases')
        .addColumn('source_name', 'text', (c) => c.primaryKey())
        .addColumn('database_id', 'text', (c) => c.notNull())
        .addColumn('data_source_id', 'text', (c) => c.notNull())
        .addColumn('configured_id', 'text')
        .addColumn('property_ids', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
