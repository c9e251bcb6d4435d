// Webhook verification tokens, one row per connection. A handshake stores its token as
// *pending*; only an operator's `accept` makes it the *accepted* token, the HMAC key of
// X-Notion-Signature — so whoever merely knows the URL cannot plant a key by sending a handshake
// first. Both are AES-256-GCM ciphertext bound to the row (AAD = table, connection, column);
// without NOTION_SYNC_SECRET_KEY nothing is stored (`secret_key_missing`).
import { NotionSyncError } from '../errors.ts';
import type { RepositoryContext } from './repository-context.ts';
import type { SecretBox } from './secret-box.ts';

export interface WebhookTokenState {
  connection: string;
  pendingAt: string | null;
  acceptedAt: string | null;
}

export interface WebhookTokensRepository {
  /** Stores a handshake's token as the connection's pending one (replacing an older pending). */
  setPending(connection: string, token: string): Promise<void>;
  /** The pending token in clear; null when none waits. */
  readPending(connection: string): Promise<string | null>;
  /** Makes the pending token the HMAC key; `webhook_token_missing` when none waits. */
  acceptPending(connection: string): Promise<void>;
  /** The accepted token (HMAC key) in clear; null when none was accepted. */
  readAccepted(connection: string): Promise<string | null>;
  /** Which tokens exist, without the tokens. */
  state(connection: string): Promise<WebhookTokenState>;
}

const aadFor = (connection: string, column: string) => `webhook_tokens:${connection}:${column}`;

export function createWebhookTokensRepository(
  ctx: RepositoryContext,
  box: SecretBox | null,
): WebhookTokensRepository {
  const { dialect } = ctx;
  const db = dialect.db;
  const requireBox = (): SecretBox => {
    if (box) return box;
    throw new NotionSyncError(
      'secret_key_missing',
      'Storing or reading a webhook verification token needs NOTION_SYNC_SECRET_KEY (32 bytes, base64 ' +
        'or hex — e.g. `openssl rand -base64 32`), or set NOTION_WEBHOOK_VERIFICATION_TOKEN directly.',
    );
  };
  const readRow = (connection: string) =>
    db
      .selectFrom('webhook_tokens')
      .selectAll()
      .where('connection', '=', connection)
      .executeTakeFirst();
  const open = (value: string | null, connection: string, column: string) =>
    value === null ? null : requireBox().decrypt(value, aadFor(connection, column));

  return {
    setPending: async (connection, token) => {
      const sealer = requireBox();
      const now = ctx.now();
      const values = {
        pending_enc: sealer.encrypt(token, aadFor(connection, 'pending')),
        pending_at: now,
        secret_key_id: sealer.keyId,
        updated_at: now,
      };
      await db
        .insertInto('webhook_tokens')
        .values({ connection, ...values })
        .onConflict((oc) => oc.column('connection').doUpdateSet(values))
        .execute();
    },

    readPending: async (connection) => {
      const row = await readRow(connection);
      return open(row?.pending_enc ?? null, connection, 'pending');
    },

    acceptPending: (connection) =>
      dialect.transaction(async (trx) => {
        const row = await trx
          .selectFrom('webhook_tokens')
          .selectAll()
          .where('connection', '=', connection)
          .executeTakeFirst();
        const pending = open(row?.pending_enc ?? null, connection, 'pending');
        if (pending === null) {
          throw new NotionSyncError(
            'webhook_token_missing',
            `No pending webhook verification token for connection "${connection}": create the ` +
              'subscription in Notion (or press "Resend token") so its handshake reaches `serve` first.',
            { details: { connection } },
          );
        }
        const sealer = requireBox();
        await trx
          .updateTable('webhook_tokens')
          .set({
            accepted_enc: sealer.encrypt(pending, aadFor(connection, 'accepted')),
            accepted_at: ctx.now(),
            pending_enc: null,
            pending_at: null,
            secret_key_id: sealer.keyId,
            updated_at: ctx.now(),
          })
          .where('connection', '=', connection)
          .execute();
      }),

    readAccepted: async (connection) => {
      const row = await readRow(connection);
      return open(row?.accepted_enc ?? null, connection, 'accepted');
    },

    state: async (connection) => {
      const row = await readRow(connection);
      return {
        connection,
        pendingAt: row?.pending_at ?? null,
        acceptedAt: row?.accepted_at ?? null,
      };
    },
  };
}
