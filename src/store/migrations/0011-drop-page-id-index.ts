// Records lose their index on `page_id` alone (issue 18). Every pulled row paid for it — a third
// UUID index on `records`, written at random places, more pages in every commit — while no query
// used it: lookups by page go through `(source_id, page_id)`, and `findByKey`, the one lookup
// without a source, now walks the sources and uses that index and `(source_id, local_key)`.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreDialect } from '../dialect.ts';

export function createDropPageIdIndexMigration(dialect: StoreDialect): Migration {
  const prefix = dialect.name === 'sqlite' ? 'ns_' : '';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex(`${prefix}records_page_id_idx`).ifExists().execute();
    },
  };
}
