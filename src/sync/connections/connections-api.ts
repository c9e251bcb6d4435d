// Connections as the engine offers them (`engine.connections`): the configured token
// connections and the OAuth installations in the store, with their status and sources. Never
// returns a token. Disconnecting an installation revokes its token at Notion, forgets it, and
// marks its sources `access_lost` — their rows stay (never tombstones) until it is reconnected.
import type { SourceConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { OAuthGrant } from '../../notion/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';
import type { Connection, Store } from '../store-api.ts';
import { type ConnectionClients, DEFAULT_CONNECTION } from './connection-clients.ts';

export interface ConnectionInfo {
  /** Store id of an OAuth installation; null for a token connection from the config. */
  id: number | null;
  name: string;
  kind: 'env' | 'oauth';
  /** `no_token`: a token connection whose environment variable is not set. */
  status: Connection['status'] | 'no_token';
  /** Where a token connection's token comes from. */
  tokenEnv: string | null;
  botId: string | null;
  workspaceId: string | null;
  workspaceName: string | null;
  /** The Notion user who installed an OAuth connection. */
  ownerUserId: string | null;
  appUser: string | null;
  /** Names of the sources that use this connection (config and imports). */
  sources: string[];
}

export interface ConnectionsApi {
  list(filter?: { appUser?: string }): Promise<ConnectionInfo[]>;
  /** By name or store id; `connection_not_found` otherwise. */
  get(nameOrId: string | number): Promise<ConnectionInfo>;
  /** Revokes an OAuth installation's token and marks its sources `access_lost`. */
  disconnect(nameOrId: string | number): Promise<ConnectionInfo>;
  /**
   * Stores an OAuth installation from a code exchange (keyed by its bot id: a new consent of
   * the same installation replaces its tokens and makes it active again). Tokens are stored
   * only encrypted: `secret_key_missing` without NOTION_SYNC_SECRET_KEY, nothing stored.
   */
  install(grant: OAuthGrant, options?: { appUser?: string | null }): Promise<ConnectionInfo>;
}

/** The connection name of the OAuth installation with bot `botId`. */
export const installationName = (botId: string) => `oauth-${botId}`;

export interface ConnectionsApiDeps {
  store: Store;
  clients: ConnectionClients;
  /** The configured sources (each names its connection, default `default`). */
  sources: () => SourceConfig[];
  logger: Logger;
  clock: Clock;
}

export function createConnectionsApi(deps: ConnectionsApiDeps): ConnectionsApi {
  const { store, clients, clock } = deps;

  async function sourcesByConnection(): Promise<Map<string, string[]>> {
    const byName = new Map<string, string[]>();
    const add = (connection: string, source: string) => {
      const list = byName.get(connection) ?? [];
      if (!list.includes(source)) list.push(source);
      byName.set(connection, list);
    };
    for (const s of deps.sources()) add(s.connection ?? DEFAULT_CONNECTION, s.name);
    const stored = new Map((await store.connections.list()).map((c) => [c.id, c.name]));
    for (const s of await store.sources.list()) {
      const name = s.connectionId === null ? undefined : stored.get(s.connectionId);
      if (name) add(name, s.name);
    }
    return byName;
  }

  async function list(filter: { appUser?: string } = {}): Promise<ConnectionInfo[]> {
    const sources = await sourcesByConnection();
    const fromConfig: ConnectionInfo[] = clients.configured().map((c) => ({
      id: null,
      name: c.name,
      kind: 'env',
      status: c.hasToken ? 'active' : 'no_token',
      tokenEnv: c.tokenEnv,
      botId: null,
      workspaceId: null,
      workspaceName: null,
      ownerUserId: null,
      appUser: null,
      sources: sources.get(c.name) ?? [],
    }));
    const installations: ConnectionInfo[] = (await store.connections.list())
      .filter((c) => c.kind === 'oauth')
      .map((c) => ({
        id: c.id,
        name: c.name,
        kind: 'oauth',
        status: c.status,
        tokenEnv: null,
        botId: c.botId,
        workspaceId: c.workspaceId,
        workspaceName: c.workspaceName,
        ownerUserId: c.ownerUserId,
        appUser: c.appUser,
        sources: sources.get(c.name) ?? [],
      }));
    const all = [...fromConfig, ...installations];
    return filter.appUser === undefined ? all : all.filter((c) => c.appUser === filter.appUser);
  }

  async function get(nameOrId: string | number): Promise<ConnectionInfo> {
    const found = (await list()).find((c) =>
      typeof nameOrId === 'number' ? c.id === nameOrId : c.name === nameOrId,
    );
    if (found) return found;
    throw new NotionSyncError(
      'connection_not_found',
      `No connection ${typeof nameOrId === 'number' ? `with id ${nameOrId}` : `named "${nameOrId}"`}: list them with engine.connections.list() or the console's Connections page.`,
      { details: { connection: nameOrId } },
    );
  }

  async function disconnect(nameOrId: string | number): Promise<ConnectionInfo> {
    const info = await get(nameOrId);
    if (info.kind !== 'oauth' || info.id === null) {
      throw new NotionSyncError(
        'usage',
        `Connection "${info.name}" is a token from ${info.tokenEnv}: remove it from the config (or unset the variable) instead; only OAuth installations are disconnected.`,
        { details: { connection: info.name } },
      );
    }
    if (info.status !== 'revoked') await revokeAtNotion(info);
    await store.connections.setStatus(info.id, 'revoked');
    clients.forget(info.name);
    for (const source of await store.sources.list()) {
      if (source.connectionId === info.id)
        await store.sources.setAccess(source.id, 'access_lost', 'connection disconnected');
    }
    return get(info.id);
  }

  async function revokeAtNotion(info: ConnectionInfo): Promise<void> {
    if (!clients.oauth) return;
    const { accessToken } = await store.connections.readTokens(info.id as number);
    if (!accessToken) return;
    try {
      await clients.oauth.revoke(accessToken);
    } catch (error) {
      // Already invalid at Notion (revoked there, expired): disconnecting here still holds.
      deps.logger.warn(
        { connection: info.name, code: (error as NotionSyncError).code },
        'oauth revoke refused; disconnecting locally',
      );
    }
  }

  async function install(
    grant: OAuthGrant,
    options: { appUser?: string | null } = {},
  ): Promise<ConnectionInfo> {
    const expiresAt =
      grant.expiresIn === null ? null : new Date(clock.now() + grant.expiresIn * 1000);
    const stored = await store.connections.upsert({
      name: installationName(grant.botId),
      kind: 'oauth',
      botId: grant.botId,
      workspaceId: grant.workspaceId,
      workspaceName: grant.workspaceName,
      ownerUserId: grant.ownerUserId,
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      accessExpiresAt: expiresAt?.toISOString() ?? null,
      appUser: options.appUser ?? null,
      status: 'active',
    });
    clients.forget(stored.name);
    for (const source of await store.sources.list()) {
      if (source.connectionId === stored.id && source.accessState === 'access_lost')
        await store.sources.setAccess(source.id, 'ok', null);
    }
    return get(stored.id);
  }

  return { list, get, disconnect, install };
}
