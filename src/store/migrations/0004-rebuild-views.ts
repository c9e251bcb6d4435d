// Recreates every source's views with the current SQL: views made before it read property ids
// with an unquoted JSON path, which older SQLite builds (Debian's 3.40) reject for ids starting
// with a digit. Views only — no table or row changes.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { silentLogger } from '../../shared/index.ts';
import type { StoreDialect } from '../dialect.ts';
import { toSource } from '../row-mappers.ts';
import type { Database } from '../schema.ts';
import { rebuildSourceViews } from '../source-views.ts';

export function createRebuildViewsMigration(dialect: StoreDialect): Migration {
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as unknown as Kysely<Database>;
      const rows = await db
        .selectFrom('sources')
        .selectAll()
        .where('view_name', 'is not', null)
        .execute();
      for (const row of rows) {
        const viewName = await rebuildSourceViews(db, dialect, toSource(row), silentLogger);
        await db
          .updateTable('sources')
          .set({ view_name: viewName })
          .where('id', '=', row.id)
          .execute();
      }
    },
  };
}
