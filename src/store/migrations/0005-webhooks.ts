// Webhooks (issue 11): which connection's URL received an event, when a failed event may be
// retried, and one row per connection for its webhook verification token — the pending one a
// handshake delivered and the accepted one used as the HMAC key, both AES-256-GCM ciphertext.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreDialect } from '../dialect.ts';

export function createWebhooksMigration(dialect: StoreDialect): Migration {
  const p = dialect.name === 'sqlite' ? 'ns_' : '';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('webhook_events')
        .addColumn('connection', 'text', (c) => c.notNull().defaultTo('default'))
        .execute();
      await db.schema.alterTable('webhook_events').addColumn('next_attempt_at', 'text').execute();
      await db.schema
        .createIndex(`${p}webhook_events_connection_idx`)
        .on('webhook_events')
        .columns(['connection', 'received_at'])
        .execute();
      await db.schema
        .createTable('webhook_tokens')
        .addColumn('connection', 'text', (c) => c.primaryKey())
        .addColumn('pending_enc', 'text')
        .addColumn('pending_at', 'text')
        .addColumn('accepted_enc', 'text')
        .addColumn('accepted_at', 'text')
        .addColumn('secret_key_id', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
