// The token source of an OAuth installation: its access token read from the store (decrypted),
// refreshed on a 401 or shortly before the expiry the token response gave. Invariants: one
// refresh at a time per connection (callers that race share it); the rotated refresh token is
// persisted before the new access token is used, so a crash never loses the only valid refresh
// token; a refused refresh marks the connection `reconnect` and loses no data.
import { NotionSyncError } from '../../errors.ts';
import type { NotionOAuth, TokenSource } from '../../notion/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';
import type { Store } from '../store-api.ts';

/** Refresh this long before a known expiry, so requests in flight do not meet it. */
const EXPIRY_MARGIN_MS = 60_000;

export interface OAuthTokenSourceOptions {
  store: Store;
  connectionId: number;
  connectionName: string;
  /** Needed to refresh; without it a 401 stands and the connection needs a new consent. */
  oauth: NotionOAuth | null;
  clock: Clock;
  logger: Logger;
}

export function reconnectError(name: string, why: string): NotionSyncError {
  return new NotionSyncError(
    'connection_reconnect',
    `Connection "${name}" needs a new consent (${why}): connect Notion again from the console (Reconnect) or /oauth/notion/start.`,
    { details: { connection: name } },
  );
}

export function createOAuthTokenSource(options: OAuthTokenSourceOptions): TokenSource {
  const { store, connectionId: id, connectionName: name, clock, logger } = options;
  let current: { token: string; expiresAt: number | null } | null = null;
  let inflight: Promise<string> | null = null;

  async function load(): Promise<{ token: string; expiresAt: number | null }> {
    const connection = await store.connections.get(id);
    if (!connection || connection.status === 'revoked')
      throw reconnectError(name, 'it was disconnected');
    const { accessToken } = await store.connections.readTokens(id);
    if (!accessToken) throw reconnectError(name, 'it holds no access token');
    const expiresAt = connection.accessExpiresAt ? Date.parse(connection.accessExpiresAt) : null;
    return { token: accessToken, expiresAt };
  }

  async function refreshNow(rejected: string): Promise<string> {
    // Another process may have rotated the tokens already: use what the store holds.
    const stored = await load().catch(() => null);
    if (stored && stored.token !== rejected && !expiringSoon(stored.expiresAt)) {
      current = stored;
      return stored.token;
    }
    const { refreshToken } = await store.connections.readTokens(id);
    if (!options.oauth || !refreshToken) {
      await store.connections.setStatus(id, 'reconnect');
      throw reconnectError(
        name,
        options.oauth ? 'it has no refresh token' : 'OAuth is not configured',
      );
    }
    let grant: Awaited<ReturnType<NotionOAuth['refresh']>>;
    try {
      grant = await options.oauth.refresh(refreshToken);
    } catch (error) {
      await store.connections.setStatus(id, 'reconnect');
      logger.warn(
        { connection: name, code: (error as NotionSyncError).code },
        'oauth refresh refused',
      );
      throw reconnectError(name, 'Notion refused to refresh its token');
    }
    const expiresAt = grant.expiresIn === null ? null : clock.now() + grant.expiresIn * 1000;
    await store.connections.saveTokens(id, {
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken ?? refreshToken,
      accessExpiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    });
    logger.info({ connection: name }, 'oauth token refreshed');
    current = { token: grant.accessToken, expiresAt };
    return grant.accessToken;
  }

  const expiringSoon = (expiresAt: number | null) =>
    expiresAt !== null && clock.now() >= expiresAt - EXPIRY_MARGIN_MS;

  function refresh(rejected: string): Promise<string> {
    if (current && current.token !== rejected) return Promise.resolve(current.token);
    inflight ??= refreshNow(rejected).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  return {
    async token() {
      if (inflight) return inflight;
      current ??= await load();
      if (expiringSoon(current.expiresAt)) return refresh(current.token);
      return current.token;
    },
    refresh,
  };
}
