// `GET /oauth/notion/start[?user=<app user id>]` and `GET /oauth/notion/callback`: the connect
// flow of a public integration. Start refuses without OAuth configured (`oauth_not_configured`)
// or without NOTION_SYNC_SECRET_KEY (`secret_key_missing`: a token is never stored in
// plaintext), then redirects to Notion with a single-use state bound to a cookie. The callback
// checks the state before anything else (400, nothing stored), shows a clear page for
// `error=access_denied` and for a failed exchange, stores the installation (tokens encrypted)
// and lands on the import step.

import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { isNotionSyncError, NotionSyncError } from '../../errors.ts';
import type { NotionOAuth } from '../../notion/index.ts';
import type { Logger } from '../../shared/index.ts';
import type { ConnectionInfo, Engine } from '../../sync/index.ts';
import { deniedPage, failedPage } from './oauth-pages.ts';
import { type OAuthStates, STATE_LIFETIME_MS } from './oauth-states.ts';

export const BROWSER_COOKIE = 'ns_oauth_browser';
const START = '/oauth/notion/start';
const APP_USER = /^[A-Za-z0-9_.@:-]{1,200}$/;

export interface OAuthRoutesOptions {
  engine: Engine;
  oauth: NotionOAuth | null;
  states: OAuthStates;
  /** Whether tokens can be stored (NOTION_SYNC_SECRET_KEY is set). */
  canStoreTokens: boolean;
  /** Where the browser lands after connecting (the console's import step). */
  landing: (c: Context, connection: ConnectionInfo) => Promise<Response> | Response;
  /** Whether cookies need `Secure` (the redirect URI is https). */
  secureCookies: boolean;
  logger: Logger;
}

function requireOAuth(options: OAuthRoutesOptions): NotionOAuth {
  if (!options.oauth) {
    throw new NotionSyncError(
      'oauth_not_configured',
      'Connecting Notion needs a public integration: set oauth.clientId and oauth.redirectUri in the config and NOTION_OAUTH_CLIENT_SECRET in the environment.',
    );
  }
  if (!options.canStoreTokens) {
    throw new NotionSyncError(
      'secret_key_missing',
      'Connecting Notion stores a token, which needs NOTION_SYNC_SECRET_KEY (32 bytes, base64 or hex — e.g. `openssl rand -base64 32`); the flow does not start without it.',
    );
  }
  return options.oauth;
}

export function createOAuthRoutes(options: OAuthRoutesOptions): Hono {
  const app = new Hono();
  const { states, logger } = options;

  app.get('/start', (c) => {
    let oauth: NotionOAuth;
    try {
      oauth = requireOAuth(options);
    } catch (error) {
      const e = error as NotionSyncError;
      return c.html(failedPage('Cannot connect Notion yet', e.message, null), 503);
    }
    const user = c.req.query('user');
    if (user !== undefined && !APP_USER.test(user)) {
      return c.html(
        failedPage(
          'Cannot connect Notion',
          'The `user` parameter must be 1–200 letters, digits or _ . @ : -.',
          null,
        ),
        400,
      );
    }
    const { state, browser } = states.open({ appUser: user ?? null });
    setCookie(c, BROWSER_COOKIE, browser, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: options.secureCookies,
      path: '/oauth/notion',
      maxAge: STATE_LIFETIME_MS / 1000,
    });
    return c.redirect(oauth.authorizeUrl(state), 302);
  });

  app.get('/callback', async (c) => {
    let oauth: NotionOAuth;
    let pending: { appUser: string | null };
    try {
      oauth = requireOAuth(options);
      pending = states.take(c.req.query('state'), getCookie(c, BROWSER_COOKIE));
    } catch (error) {
      if (!isNotionSyncError(error)) throw error;
      logger.warn({ code: error.code }, 'oauth callback refused');
      return c.html(failedPage('Cannot connect Notion', error.message, START), 400);
    }
    deleteCookie(c, BROWSER_COOKIE, { path: '/oauth/notion' });
    const denied = c.req.query('error');
    if (denied !== undefined) {
      if (denied === 'access_denied') return c.html(deniedPage(startUrl(pending.appUser)), 200);
      return c.html(
        failedPage(
          'Notion did not connect',
          `Notion answered "${denied}".`,
          startUrl(pending.appUser),
        ),
        400,
      );
    }
    const code = c.req.query('code');
    if (!code) {
      return c.html(
        failedPage('Cannot connect Notion', 'Notion sent no code back.', startUrl(pending.appUser)),
        400,
      );
    }
    try {
      const grant = await oauth.exchangeCode(code);
      const connection = await options.engine.connections.install(grant, {
        appUser: pending.appUser,
      });
      logger.info({ connection: connection.name, appUser: pending.appUser }, 'notion connected');
      return await options.landing(c, connection);
    } catch (error) {
      if (!isNotionSyncError(error)) throw error;
      logger.warn({ code: error.code }, 'oauth code exchange failed');
      return c.html(
        failedPage('Connecting Notion failed', error.message, startUrl(pending.appUser)),
        error.code === 'secret_key_missing' ? 503 : 502,
      );
    }
  });
  return app;
}

/** The console's import step of a connection. */
export const importStepUrl = (connection: string) =>
  `/connections/${encodeURIComponent(connection)}/import`;

const startUrl = (appUser: string | null) =>
  appUser ? `${START}?user=${encodeURIComponent(appUser)}` : START;
