// OAuth for public integrations (notion-api.md §9). Invariants: a code is single-use and dies
// 10 minutes after consent (emulator clock); a refresh rotates both tokens and the old refresh
// token is refused from then on (of two concurrent refreshes only the first wins, since each
// runs to completion before the next); each (integration, user) pair is one installation with
// its own bot, which sees exactly the pages picked at consent and their descendants.

import { randomBytes } from 'node:crypto';
import { NotionApiError } from '../errors.ts';
import { newId, newToken } from '../ids.ts';
import { renderFullUser } from '../render.ts';
import type { IntegrationRecord, JsonObject } from '../state.ts';
import type { Workspace } from '../workspace.ts';

/** How long an authorization code can be exchanged. */
export const CODE_LIFETIME_MS = 10 * 60_000;

export interface OAuthOptions {
  /** Access tokens answer 401 this long after they were issued (default: never). */
  accessTokenLifetimeMs?: number;
  /** Add `expires_in` (seconds) to token responses; Notion documents none. */
  sendExpiresIn?: boolean;
}

interface CodeGrant {
  clientId: string;
  redirectUri: string | undefined;
  userId: string;
  pageIds: string[];
  expiresAt: number;
}

const grantError = (message: string) => new NotionApiError(400, 'invalid_grant', message);
const requestError = (message: string) => new NotionApiError(400, 'invalid_request', message);

function newRefreshToken(): string {
  return `nrt_${randomBytes(34).toString('base64url').replace(/[-_]/g, 'x').slice(0, 46)}`;
}

/** The public integration named by HTTP Basic `client_id:client_secret`, or 401 invalid_client. */
export function authenticateClient(ws: Workspace, header: string | undefined): IntegrationRecord {
  const encoded = /^Basic\s+(.+)$/i.exec(header ?? '')?.[1];
  const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const client = colon > 0 ? ws.state.integrations[decoded.slice(0, colon)] : undefined;
  if (!client?.oauth || client.oauth.clientSecret !== decoded.slice(colon + 1))
    throw new NotionApiError(
      401,
      'invalid_client',
      'Client authentication failed: send HTTP Basic auth with the client id and secret of a public integration.',
    );
  return client;
}

export function createGrants(ws: Workspace, options: OAuthOptions) {
  const codes = new Map<string, CodeGrant>();

  const installationOf = (client: IntegrationRecord, userId: string): IntegrationRecord => {
    const found = Object.values(ws.state.integrations).find(
      (i) => i.installationOf === client.id && i.ownerUserId === userId,
    );
    if (found) return found;
    const id = newId();
    ws.state.users[id] = { id, type: 'bot', name: client.name, avatarUrl: null, integrationId: id };
    const record: IntegrationRecord = {
      id,
      name: client.name,
      tokens: [],
      installationOf: client.id,
      ownerUserId: userId,
      refreshToken: null,
    };
    ws.state.integrations[id] = record;
    return record;
  };

  const issueTokens = (bot: IntegrationRecord): JsonObject => {
    for (const old of [...bot.tokens]) ws.revokeToken(old);
    const access = newToken();
    ws.addToken(bot.id, access);
    const now = ws.now();
    bot.tokenIssuedAt = { [access]: now };
    bot.tokenExpiresAt =
      options.accessTokenLifetimeMs === undefined
        ? {}
        : { [access]: now + options.accessTokenLifetimeMs };
    bot.refreshToken = newRefreshToken();
    ws.touch();
    const owner = ws.state.users[bot.ownerUserId ?? ''];
    return {
      access_token: access,
      token_type: 'bearer',
      refresh_token: bot.refreshToken,
      bot_id: bot.id,
      workspace_name: ws.state.workspaceName,
      workspace_icon: null,
      workspace_id: ws.state.workspaceId,
      owner: owner
        ? { type: 'user', user: renderFullUser(ws, owner) }
        : { type: 'workspace', workspace: true },
      duplicated_template_id: null,
      ...(options.sendExpiresIn && options.accessTokenLifetimeMs !== undefined
        ? { expires_in: Math.floor(options.accessTokenLifetimeMs / 1000) }
        : {}),
    };
  };

  const exchangeCode = (client: IntegrationRecord, body: Record<string, unknown>) => {
    if (typeof body.code !== 'string' || body.code === '')
      throw requestError('body failed validation: body.code should be a string.');
    const grant = codes.get(body.code);
    codes.delete(body.code);
    if (!grant || grant.clientId !== client.id || grant.expiresAt <= ws.now())
      throw grantError(
        'Invalid code: it is unknown, expired, already used, or for another client.',
      );
    if (grant.redirectUri !== undefined && body.redirect_uri !== grant.redirectUri)
      throw grantError('Invalid redirect_uri: it must equal the one sent to authorize.');
    const bot = installationOf(client, grant.userId);
    ws.state.shares[bot.id] = [...grant.pageIds];
    ws.reindex();
    return issueTokens(bot);
  };

  const refresh = (client: IntegrationRecord, body: Record<string, unknown>) => {
    if (typeof body.refresh_token !== 'string' || body.refresh_token === '')
      throw requestError('body failed validation: body.refresh_token should be a string.');
    const bot = Object.values(ws.state.integrations).find(
      (i) => i.installationOf === client.id && i.refreshToken === body.refresh_token,
    );
    if (!bot) throw grantError('Invalid refresh_token: it is unknown, revoked or already used.');
    return issueTokens(bot);
  };

  /** The installation one of its live tokens (access or refresh) belongs to. */
  const installationByToken = (client: IntegrationRecord, token: unknown) => {
    if (typeof token !== 'string')
      throw requestError('body failed validation: body.token should be a string.');
    const byAccess = ws.integrationByToken(token);
    const bot =
      byAccess?.installationOf === client.id
        ? byAccess
        : Object.values(ws.state.integrations).find(
            (i) => i.installationOf === client.id && i.refreshToken === token,
          );
    return { bot, isAccess: bot !== undefined && bot === byAccess };
  };

  return {
    /** After consent: a single-use code for `redirect_uri?code=…`. */
    issueCode(grant: Omit<CodeGrant, 'expiresAt'>): string {
      const code = newId();
      codes.set(code, { ...grant, expiresAt: ws.now() + CODE_LIFETIME_MS });
      return code;
    },
    token(client: IntegrationRecord, body: Record<string, unknown>): JsonObject {
      if (body.grant_type === 'authorization_code') return exchangeCode(client, body);
      if (body.grant_type === 'refresh_token') return refresh(client, body);
      throw requestError(
        'body failed validation: body.grant_type should be "authorization_code" or "refresh_token".',
      );
    },
    introspect(client: IntegrationRecord, body: Record<string, unknown>): JsonObject {
      const { bot, isAccess } = installationByToken(client, body.token);
      if (!bot) return { active: false };
      if (!isAccess) return { active: true };
      const issued = bot.tokenIssuedAt?.[body.token as string];
      return {
        active: true,
        scope: 'read_content update_content insert_content',
        ...(issued !== undefined ? { iat: Math.floor(issued / 1000) } : {}),
      };
    },
    /** Disconnects the installation a token belongs to (access and refresh token alike). */
    revoke(client: IntegrationRecord, body: Record<string, unknown>): JsonObject {
      const { bot } = installationByToken(client, body.token);
      if (bot) {
        for (const token of [...bot.tokens]) ws.revokeToken(token);
        bot.refreshToken = null;
        ws.touch();
      }
      return {};
    },
  };
}

export type Grants = ReturnType<typeof createGrants>;
