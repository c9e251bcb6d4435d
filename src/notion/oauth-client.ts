// Notion OAuth for public integrations (notion-api.md §9) through the SDK's oauth.* methods,
// which send the client id and secret as Basic auth: the authorize URL, the code exchange, the
// refresh (which rotates the refresh token) and revoke. Errors become NotionSyncErrors with
// Notion's OAuth error code in `details.oauthError` and never carry a token or the secret.
import { Client, isNotionClientError } from '@notionhq/client';
import type { Config } from '../config/index.ts';
import { NotionSyncError } from '../errors.ts';

type SdkFetch = NonNullable<ConstructorParameters<typeof Client>[0]>['fetch'];

export interface NotionOAuthOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Default https://api.notion.com. */
  baseUrl?: string;
  fetch?: SdkFetch;
}

/** What a code exchange or refresh gives: the installation and its tokens. */
export interface OAuthGrant {
  accessToken: string;
  refreshToken: string | null;
  botId: string;
  workspaceId: string;
  workspaceName: string | null;
  /** The Notion user who installed (`owner.user.id`): webhooks name them in `accessible_by`. */
  ownerUserId: string | null;
  /** Seconds the access token lives, when the response says (Notion documents none). */
  expiresIn: number | null;
}

export interface NotionOAuth {
  authorizeUrl(state: string): string;
  exchangeCode(code: string): Promise<OAuthGrant>;
  refresh(refreshToken: string): Promise<OAuthGrant>;
  revoke(token: string): Promise<void>;
}

/** The OAuth error code (`invalid_grant`, …) of an SDK error, when Notion sent one. */
function oauthErrorOf(error: unknown): string | null {
  if (!isNotionClientError(error)) return null;
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { error?: unknown; code?: unknown };
      const code = parsed.error ?? parsed.code;
      if (typeof code === 'string') return code;
    } catch {}
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

function failed(step: string, error: unknown): NotionSyncError {
  const oauthError = oauthErrorOf(error);
  return new NotionSyncError(
    'oauth_exchange_failed',
    `Notion refused the OAuth ${step}${oauthError ? ` (${oauthError})` : ''}: ${
      oauthError === 'invalid_client'
        ? 'check NOTION_OAUTH_CLIENT_ID and NOTION_OAUTH_CLIENT_SECRET'
        : 'connect Notion again from the start'
    }.`,
    { details: { step, oauthError } },
  );
}

export function createNotionOAuth(options: NotionOAuthOptions): NotionOAuth {
  const baseUrl = (options.baseUrl ?? 'https://api.notion.com').replace(/\/+$/, '');
  const sdk = new Client({
    baseUrl,
    retry: false,
    // Refusals are returned as errors; the SDK's own console warnings would only repeat them.
    logger: () => {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const client = { client_id: options.clientId, client_secret: options.clientSecret };
  const toGrant = (r: Awaited<ReturnType<typeof sdk.oauth.token>>): OAuthGrant => {
    const expiresIn = (r as { expires_in?: unknown }).expires_in;
    const owner = r.owner as { type?: string; user?: { id?: unknown } } | undefined;
    return {
      accessToken: r.access_token,
      refreshToken: r.refresh_token ?? null,
      botId: r.bot_id,
      workspaceId: r.workspace_id,
      workspaceName: r.workspace_name ?? null,
      ownerUserId:
        owner?.type === 'user' && typeof owner.user?.id === 'string' ? owner.user.id : null,
      expiresIn: typeof expiresIn === 'number' ? expiresIn : null,
    };
  };
  return {
    authorizeUrl(state) {
      const url = new URL(`${baseUrl}/v1/oauth/authorize`);
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('owner', 'user');
      url.searchParams.set('redirect_uri', options.redirectUri);
      url.searchParams.set('state', state);
      return url.toString();
    },
    async exchangeCode(code) {
      try {
        return toGrant(
          await sdk.oauth.token({
            ...client,
            grant_type: 'authorization_code',
            code,
            redirect_uri: options.redirectUri,
          }),
        );
      } catch (error) {
        throw failed('code exchange', error);
      }
    },
    async refresh(refreshToken) {
      try {
        return toGrant(
          await sdk.oauth.token({
            ...client,
            grant_type: 'refresh_token',
            refresh_token: refreshToken,
          }),
        );
      } catch (error) {
        throw failed('refresh', error);
      }
    },
    async revoke(token) {
      try {
        await sdk.oauth.revoke({ ...client, token });
      } catch (error) {
        throw failed('revoke', error);
      }
    },
  };
}

/**
 * The OAuth client of the `oauth.*` keys (client id, redirect URI, NOTION_OAUTH_CLIENT_SECRET)
 * and `notion.baseUrl`; null while any of the three is missing (OAuth is then off).
 */
export function notionOAuthFromConfig(
  config: Pick<Config, 'notion' | 'oauth'>,
  extra: Pick<NotionOAuthOptions, 'fetch'> = {},
): NotionOAuth | null {
  const { clientId, clientSecret, redirectUri } = config.oauth ?? {};
  if (!clientId || !clientSecret || !redirectUri) return null;
  return createNotionOAuth({
    clientId,
    clientSecret,
    redirectUri,
    baseUrl: config.notion.baseUrl,
    ...extra,
  });
}
