// Records which process holds a run's lease (host name and pid), so a run left `running` by a
// process that died on this host is taken over at once instead of after the heartbeat timeout.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Database } from '../schema.ts';

export function createRunOwnerMigration(): Migration {
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as unknown as Kysely<Database>;
      await db.schema.alterTable('runs').addColumn('host', 'text').execute();
      await db.schema.alterTable('runs').addColumn('pid', 'integer').execute();
    },
  };
}
