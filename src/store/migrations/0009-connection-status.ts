// Connections become first-class (issue 12): whether a connection still works (`active`), needs
// the user to consent again (`reconnect`: its refresh was refused) or was disconnected
// (`revoked`); which app user an OAuth installation belongs to; and when its access token
// expires, when the token response said so (Notion documents no lifetime).
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function createConnectionStatusMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('connections')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .execute();
      await db.schema.alterTable('connections').addColumn('app_user', 'text').execute();
      await db.schema.alterTable('connections').addColumn('access_expires_at', 'text').execute();
    },
  };
}
