// The one place a connection name becomes a Notion client: `default` is the NOTION_TOKEN
// connection (or the client the engine was given), a name from `connections` reads its token
// from the environment variable `tokenEnv`, and any other name is an OAuth installation in the
// store whose tokens are decrypted and refreshed (oauth-token-source.ts). Each connection gets
// its own client, so its own pacing budget and circuit breaker; clients are made on first use
// and kept. A runner that spreads work over processes resolves clients through this same file;
// with `notion.rateBudget: shared` each client spends from the store's shared buckets (its
// connection's and its workspace's, see shared-rate-budget.ts) instead of pacing on its own.
import type { Config, ConnectionConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import {
  createNotionClient,
  type NotionClient,
  type NotionClientOptions,
  type NotionOAuth,
  notionClientOptionsFromConfig,
} from '../../notion/index.ts';
import { type Clock, findClosest, type Logger } from '../../shared/index.ts';
import type { Store } from '../store-api.ts';
import { createOAuthTokenSource, reconnectError } from './oauth-token-source.ts';
import { createSharedRateBudget, type SharedRateBudget } from './shared-rate-budget.ts';

export const DEFAULT_CONNECTION = 'default';

export interface ConnectionClientsOptions {
  store: Store;
  /** `notion.*` (pacing, base URL, NOTION_TOKEN), the named token connections, and the runner (`rateBudget: auto`). */
  config?: Pick<Config, 'notion'> & {
    connections?: ConnectionConfig[];
    runner?: Config['runner'];
  };
  /** Where `tokenEnv` variables are read (default: process.env). */
  env?: Record<string, string | undefined>;
  /** The default connection's client, when the caller builds it (tests, the emulator). */
  defaultClient?: () => NotionClient;
  /** Added to every client made here (an in-process fetch, for instance). */
  clientOptions?: Partial<NotionClientOptions>;
  /** Refreshes and revokes OAuth installations' tokens. */
  oauth?: NotionOAuth | null;
  clock: Clock;
  logger: Logger;
}

export interface ConnectionClients {
  /** The client of connection `name` (default: `default`). Throws `connection_not_found`. */
  client(name?: string | null): Promise<NotionClient>;
  /** The store id of an OAuth installation; null for a token connection. */
  storedId(name?: string | null): Promise<number | null>;
  /** Forgets a connection's client (after it was disconnected). */
  forget(name: string): void;
  /** The configured token connections: `default` (when it has a token) and `connections`. */
  configured(): { name: string; tokenEnv: string; hasToken: boolean }[];
  readonly oauth: NotionOAuth | null;
}

/** The workspace of a token's integration (users.me → bot.workspace_id); null when not said. */
async function workspaceOfToken(client: NotionClient): Promise<string | null> {
  const me = (await client.users.me()) as { bot?: { workspace_id?: string } };
  return me.bot?.workspace_id ?? null;
}

/** `notion.rateBudget` with `auto` resolved: shared for `runner: distributed`, local otherwise. */
export function rateBudgetOf(
  config: Partial<Pick<Config, 'notion' | 'runner'>>,
): 'local' | 'shared' {
  const mode = config.notion?.rateBudget ?? 'auto';
  if (mode !== 'auto') return mode;
  return config.runner === 'distributed' ? 'shared' : 'local';
}

/** Makes each connection's shared budget when `notion.rateBudget` is `shared`; null otherwise. */
function sharedBudgetFactory(
  options: ConnectionClientsOptions,
): ((connection: string, workspaceId: string | null) => SharedRateBudget) | null {
  const notion = options.config?.notion;
  if (!notion || rateBudgetOf(options.config ?? {}) !== 'shared') return null;
  if (options.store.dialect !== 'postgres') {
    throw new NotionSyncError(
      'config_invalid',
      '`notion.rateBudget: shared` needs a PostgreSQL store (SQLite is single-process): set `store` to a postgres:// URL, or use `notion.rateBudget: local`.',
      { details: { option: 'notion.rateBudget' } },
    );
  }
  if (notion.interactiveReserve >= notion.burst) {
    throw new NotionSyncError(
      'config_invalid',
      `\`notion.interactiveReserve\` (${notion.interactiveReserve}) must be below \`notion.burst\` (${notion.burst}): bulk work could never take a token.`,
      { details: { option: 'notion.interactiveReserve' } },
    );
  }
  const settings = {
    requestsPerSecond: notion.requestsPerSecond,
    burst: notion.burst,
    workspaceRequestsPerSecond: notion.workspaceRequestsPerSecond,
    interactiveReserve: notion.interactiveReserve,
  };
  return (connection, workspaceId) =>
    createSharedRateBudget({
      budgets: options.store.rateBudgets,
      connection,
      workspaceId,
      settings,
      clock: options.clock,
      logger: options.logger,
    });
}

export function createConnectionClients(options: ConnectionClientsOptions): ConnectionClients {
  const { store, clock, logger } = options;
  const env = options.env ?? process.env;
  const named = options.config?.connections ?? [];
  const made = new Map<string, Promise<NotionClient>>();

  const sharedBudget = sharedBudgetFactory(options);

  const build = (token: Partial<NotionClientOptions>, pacer?: SharedRateBudget): NotionClient => {
    const extra = {
      ...options.clientOptions,
      logger,
      clock,
      ...token,
      ...(pacer ? { pacer } : {}),
    };
    return createNotionClient(
      options.config ? notionClientOptionsFromConfig(options.config, extra) : (extra as never),
    );
  };

  /** A token connection's client; with a shared budget, it first learns its workspace (users.me). */
  async function buildForToken(name: string, token: Partial<NotionClientOptions>) {
    const budget = sharedBudget?.(name, null);
    const client = build(token, budget);
    // Not fatal: without it the client still spends its connection's bucket, and a token that
    // does not work fails its first real request with the clear error of that request.
    if (budget)
      await budget
        .attachWorkspace(() => workspaceOfToken(client))
        .catch((error: unknown) =>
          logger.warn(
            { connection: name, error: error instanceof Error ? error.message : String(error) },
            "could not learn the connection's workspace: its requests spend only the connection's budget until it is known",
          ),
        );
    return client;
  }

  function defaultClient(): NotionClient | Promise<NotionClient> {
    if (options.defaultClient) return options.defaultClient();
    if (!options.config) {
      throw new NotionSyncError(
        'config_invalid',
        'The engine needs a Notion connection: pass `notion`, `notionFactory` or `config.notion`.',
      );
    }
    return buildForToken(DEFAULT_CONNECTION, {});
  }

  function tokenClient(connection: ConnectionConfig): Promise<NotionClient> {
    const token = env[connection.tokenEnv];
    if (!token) {
      throw new NotionSyncError(
        'notion_unauthorized',
        `${connection.tokenEnv} is not set: connection "${connection.name}" reads its Notion token from it.`,
        { details: { connection: connection.name, env: connection.tokenEnv } },
      );
    }
    return buildForToken(connection.name, { token });
  }

  async function oauthClient(name: string): Promise<NotionClient> {
    const stored = await store.connections.getByName(name);
    if (stored?.kind !== 'oauth') throw notFound(name);
    if (stored.status === 'revoked') throw reconnectError(name, 'it was disconnected');
    const tokenSource = createOAuthTokenSource({
      store,
      connectionId: stored.id,
      connectionName: name,
      oauth: options.oauth ?? null,
      clock,
      logger,
    });
    return build({ tokenSource }, sharedBudget?.(name, stored.workspaceId));
  }

  function notFound(name: string): NotionSyncError {
    const closest = findClosest(name, [DEFAULT_CONNECTION, ...named.map((c) => c.name)]);
    return new NotionSyncError(
      'connection_not_found',
      `No connection named "${name}"${closest ? ` — did you mean "${closest}"?` : ''}: name one from \`connections\` in the config, or an OAuth installation (notion-sync serve → Connect Notion).`,
      { details: { connection: name } },
    );
  }

  function make(name: string): Promise<NotionClient> {
    if (name === DEFAULT_CONNECTION) return Promise.resolve().then(defaultClient);
    const configured = named.find((c) => c.name === name);
    if (configured) return Promise.resolve().then(() => tokenClient(configured));
    return oauthClient(name);
  }

  return {
    client(name) {
      const key = name ?? DEFAULT_CONNECTION;
      let client = made.get(key);
      if (!client) {
        client = make(key);
        made.set(key, client);
        // A failure (no token yet, unknown name) is not kept: the next call tries again.
        client.catch(() => made.delete(key));
      }
      return client;
    },
    async storedId(name) {
      const key = name ?? DEFAULT_CONNECTION;
      if (key === DEFAULT_CONNECTION || named.some((c) => c.name === key)) return null;
      return (await store.connections.getByName(key))?.id ?? null;
    },
    forget: (name) => void made.delete(name),
    configured: () => [
      {
        name: DEFAULT_CONNECTION,
        tokenEnv: 'NOTION_TOKEN',
        hasToken: Boolean(options.defaultClient ?? options.config?.notion.token),
      },
      ...named.map((c) => ({
        name: c.name,
        tokenEnv: c.tokenEnv,
        hasToken: Boolean(env[c.tokenEnv]),
      })),
    ],
    oauth: options.oauth ?? null,
  };
}
