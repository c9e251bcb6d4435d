// Shared rate budgets (issue 17): one token-bucket row per connection (Notion's per-integration
// limit) and one per workspace (shared by all its connections), taken atomically by every
// process that talks to Notion through a PostgreSQL store. Times are epoch milliseconds and
// counters are totals since the row was made; all numbers are doubles (exact up to 2^53).
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function createRateBudgetsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const number = 'double precision';
      await db.schema
        .createTable('rate_budgets')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('rate_per_s', number, (c) => c.notNull())
        .addColumn('capacity', number, (c) => c.notNull())
        .addColumn('reserve', number, (c) => c.notNull().defaultTo(0))
        .addColumn('tokens', number, (c) => c.notNull())
        .addColumn('updated_ms', number, (c) => c.notNull())
        .addColumn('paused_until_ms', number, (c) => c.notNull().defaultTo(0))
        .addColumn('interactive_until_ms', number, (c) => c.notNull().defaultTo(0))
        .addColumn('taken', number, (c) => c.notNull().defaultTo(0))
        .addColumn('interactive_taken', number, (c) => c.notNull().defaultTo(0))
        .addColumn('rate_limited', number, (c) => c.notNull().defaultTo(0))
        .addColumn('created_ms', number, (c) => c.notNull())
        // A connection's workspace once known (users.me), so other processes need not ask.
        .addColumn('workspace_id', 'text')
        .execute();
    },
  };
}
