// The Notion user who installed an OAuth connection (the token response's `owner.user.id`): a
// public integration's webhook events name the users whose installations can see the entity
// (`accessible_by`), so this is how an event finds its installations.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function createConnectionOwnerMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('connections').addColumn('owner_user_id', 'text').execute();
    },
  };
}
