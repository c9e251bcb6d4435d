// Connections: one per Notion credential. Tokens are stored only as AES-256-GCM ciphertext bound
// to the row (AAD = table, row id and column); a row is inserted first to get its id, then its
// tokens are encrypted and written, in the same transaction. Reads never return tokens unless
// asked through readTokens, and tokens never enter logs or error details.
import { NotionSyncError } from '../errors.ts';
import type { RepositoryContext } from './repository-context.ts';
import { toConnection } from './row-mappers.ts';
import type { SecretBox } from './secret-box.ts';
import type { Connection, ConnectionStatus } from './store-types.ts';

export interface UpsertConnectionInput {
  name: string;
  kind: 'env' | 'oauth';
  botId?: string | null;
  workspaceId?: string | null;
  workspaceName?: string | null;
  /** Kept when `undefined`. */
  status?: ConnectionStatus;
  appUser?: string | null;
  accessExpiresAt?: string | null;
  /** Kept when `undefined`. */
  ownerUserId?: string | null;
  /** Stored encrypted; `undefined` keeps the stored one, `null` clears it. */
  accessToken?: string | null;
  refreshToken?: string | null;
}

export interface ConnectionTokens {
  accessToken: string | null;
  refreshToken: string | null;
}

export interface ConnectionsRepository {
  /** Whether tokens can be stored here (the store was opened with NOTION_SYNC_SECRET_KEY). */
  readonly canStoreTokens: boolean;
  upsert(input: UpsertConnectionInput): Promise<Connection>;
  get(id: number): Promise<Connection | null>;
  getByName(name: string): Promise<Connection | null>;
  list(): Promise<Connection[]>;
  /**
   * Replaces a connection's tokens (a refresh's rotation) and marks it `active`, in one
   * statement: the new refresh token is stored before anyone uses the new access token.
   */
  saveTokens(
    id: number,
    tokens: ConnectionTokens & { accessExpiresAt: string | null },
  ): Promise<Connection>;
  setStatus(id: number, status: ConnectionStatus): Promise<Connection>;
  /** Decrypted tokens; `secret_key_missing` without a key, `secret_decrypt_failed` with a wrong one. */
  readTokens(id: number): Promise<ConnectionTokens>;
}

const notFound = (id: number) =>
  new NotionSyncError('store_not_found', `No connection with id ${id}.`, {
    details: { connectionId: id },
  });

const aadFor = (id: number, column: string) => `connections:${id}:${column}`;

export function createConnectionsRepository(
  ctx: RepositoryContext,
  box: SecretBox | null,
): ConnectionsRepository {
  const { dialect } = ctx;
  const db = dialect.db;

  function requireBox(): SecretBox {
    if (!box) {
      throw new NotionSyncError(
        'secret_key_missing',
        'Storing or reading a Notion token needs NOTION_SYNC_SECRET_KEY (32 bytes, base64 or hex — e.g. ' +
          '`openssl rand -base64 32`).',
      );
    }
    return box;
  }

  return {
    canStoreTokens: box !== null,
    upsert: (input) =>
      dialect.transaction(async (trx) => {
        const needsBox = Boolean(input.accessToken) || Boolean(input.refreshToken);
        const sealer = needsBox ? requireBox() : box;
        const now = ctx.now();
        const meta = {
          kind: input.kind,
          bot_id: input.botId ?? null,
          workspace_id: input.workspaceId ?? null,
          workspace_name: input.workspaceName ?? null,
          updated_at: now,
          ...(input.status !== undefined ? { status: input.status } : {}),
          ...(input.appUser !== undefined ? { app_user: input.appUser } : {}),
          ...(input.accessExpiresAt !== undefined
            ? { access_expires_at: input.accessExpiresAt }
            : {}),
          ...(input.ownerUserId !== undefined ? { owner_user_id: input.ownerUserId } : {}),
        };
        const existing = await trx
          .selectFrom('connections')
          .select('id')
          .where('name', '=', input.name)
          .executeTakeFirst();
        const id = existing
          ? existing.id
          : (
              await trx
                .insertInto('connections')
                .values({ ...meta, name: input.name, created_at: now })
                .returning('id')
                .executeTakeFirstOrThrow()
            ).id;
        const seal = (value: string | null, column: string) =>
          value === null ? null : sealer!.encrypt(value, aadFor(id, column));
        const tokens = {
          ...(input.accessToken !== undefined
            ? { access_token_enc: seal(input.accessToken, 'access_token') }
            : {}),
          ...(input.refreshToken !== undefined
            ? { refresh_token_enc: seal(input.refreshToken, 'refresh_token') }
            : {}),
          ...(needsBox ? { secret_key_id: sealer!.keyId } : {}),
        };
        const row = await trx
          .updateTable('connections')
          .set({ ...meta, ...tokens })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toConnection(row);
      }),

    saveTokens: async (id, tokens) => {
      const sealer = requireBox();
      const seal = (value: string | null, column: string) =>
        value === null ? null : sealer.encrypt(value, aadFor(id, column));
      const row = await db
        .updateTable('connections')
        .set({
          access_token_enc: seal(tokens.accessToken, 'access_token'),
          refresh_token_enc: seal(tokens.refreshToken, 'refresh_token'),
          access_expires_at: tokens.accessExpiresAt,
          secret_key_id: sealer.keyId,
          status: 'active',
          updated_at: ctx.now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound(id);
      return toConnection(row);
    },

    setStatus: async (id, status) => {
      const row = await db
        .updateTable('connections')
        .set({
          status,
          updated_at: ctx.now(),
          // A revoked connection keeps no token to leak.
          ...(status === 'revoked' ? { access_token_enc: null, refresh_token_enc: null } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound(id);
      return toConnection(row);
    },

    get: async (id) => {
      const row = await db
        .selectFrom('connections')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toConnection(row) : null;
    },

    getByName: async (name) => {
      const row = await db
        .selectFrom('connections')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row ? toConnection(row) : null;
    },

    list: async () =>
      (await db.selectFrom('connections').selectAll().orderBy('id').execute()).map(toConnection),

    readTokens: async (id) => {
      const row = await db
        .selectFrom('connections')
        .select(['access_token_enc', 'refresh_token_enc'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw notFound(id);
      if (row.access_token_enc === null && row.refresh_token_enc === null)
        return { accessToken: null, refreshToken: null };
      const opener = requireBox();
      return {
        accessToken:
          row.access_token_enc === null
            ? null
            : opener.decrypt(row.access_token_enc, aadFor(id, 'access_token')),
        refreshToken:
          row.refresh_token_enc === null
            ? null
            : opener.decrypt(row.refresh_token_enc, aadFor(id, 'refresh_token')),
      };
    },
  };
}
