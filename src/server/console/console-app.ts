// The console at `/`: login and logout, the session guard, and the pages. Operators log in with
// NOTION_SYNC_API_TOKEN; an end user's session comes from their OAuth callback and reaches only
// their own connection's import step — every operator page answers them 403. Every form carries
// a CSRF token (the login form a double-submit cookie, the others the session's token). Errors
// are pages, never JSON, and never show a secret.
import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { isNotionSyncError, NotionSyncError } from '../../errors.ts';
import { tokensEqual } from '../api/auth.ts';
import { statusForCode } from '../errors.ts';
import { createConflictPages } from './conflict-pages.ts';
import type { ConsoleEnv, ConsoleOptions } from './console-env.ts';
import { createImportPages } from './import-pages.ts';
import { page } from './layout.ts';
import { createOperatorPages } from './operator-pages.ts';
import { checkCsrf, forbidden } from './sessions.ts';

const LOGIN_CSRF_COOKIE = 'ns_login_csrf';
/** Paths of the console (everything else — API, webhooks, OAuth, metrics — is not its). */
const CONSOLE_PATHS = [
  '/',
  '/logout',
  '/connections',
  '/connections/*',
  '/sources',
  '/sources/*',
  '/runs',
  '/records/*',
  '/conflicts',
  '/conflicts/*',
  '/dead-letters',
  '/dead-letters/*',
];
/** Paths an end user's session may reach (the rest is for operators). */
const USER_PATH = /^\/(logout|connections\/[^/]+\/(import|imports\/[^/]+))?$/;

const connectLink = html`<h2>Import your Notion pages</h2>
  <p><a class="button" href="/oauth/notion/start">Connect Notion</a></p>`;

function loginPage(
  c: Context,
  options: ConsoleOptions,
  message = '',
): Response | Promise<Response> {
  const csrf = randomBytes(24).toString('base64url');
  setCookie(c, LOGIN_CSRF_COOKIE, csrf, { httpOnly: true, sameSite: 'Strict', path: '/login' });
  const body = options.apiToken
    ? html`${message ? html`<p class="status-failed">${message}</p>` : ''}
        <form method="post" action="/login">
          <input type="hidden" name="csrf" value="${csrf}" />
          <p><label>Operator token (NOTION_SYNC_API_TOKEN)<br /><input type="password" name="token" size="50" autocomplete="current-password" /></label></p>
          <button>Log in</button>
        </form>
        ${connectLink}`
    : html`<p>The operator console needs <code>NOTION_SYNC_API_TOKEN</code>: set it and restart <code>serve</code>.</p>
        ${connectLink}`;
  return c.html(page('Log in', null, body), message ? 401 : 200);
}

function errorPage(
  error: Error,
  c: Context,
  options: ConsoleOptions,
): Response | Promise<Response> {
  if (!isNotionSyncError(error)) {
    options.logger.error({ path: c.req.path, err: error }, 'console request failed');
    return c.html(
      page('Something went wrong', null, html`<p>Internal error; see the server log.</p>`),
      500,
    );
  }
  const session = options.sessions.of(c);
  return c.html(
    page(
      'Cannot do that',
      session,
      html`<p>${error.message}</p><p class="muted">${error.code}</p>`,
    ),
    statusForCode(error.code),
  );
}

export function createConsoleApp(options: ConsoleOptions): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const { sessions } = options;
  app.onError((error, c) => errorPage(error, c, options));

  app.get('/login', (c) => loginPage(c, options));
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const cookie = getCookie(c, LOGIN_CSRF_COOKIE);
    if (!cookie || typeof form.csrf !== 'string' || !tokensEqual(form.csrf, cookie))
      throw new NotionSyncError(
        'csrf_invalid',
        'The login form is stale: reload it and try again.',
      );
    const token = typeof form.token === 'string' ? form.token : '';
    if (!options.apiToken || !tokensEqual(token, options.apiToken))
      return loginPage(c, options, 'Wrong token.');
    sessions.start(c, { role: 'operator' });
    return c.redirect('/connections', 303);
  });

  for (const path of CONSOLE_PATHS) {
    app.use(path, async (c, next) => {
      const session = sessions.of(c);
      if (!session) {
        if (c.req.method === 'GET') return c.redirect('/login', 302);
        throw new NotionSyncError('console_login_required', 'Log in first.');
      }
      if (session.role !== 'operator' && !USER_PATH.test(c.req.path)) throw forbidden();
      c.set('session', session);
      await next();
    });
  }

  app.get('/', (c) => {
    const session = c.get('session');
    return c.redirect(
      session.role === 'operator'
        ? '/connections'
        : `/connections/${encodeURIComponent(session.connection)}/import`,
      302,
    );
  });
  app.post('/logout', async (c) => {
    checkCsrf(c.get('session'), await c.req.parseBody());
    sessions.end(c);
    return c.redirect('/login', 303);
  });
  app.route('/', createImportPages(options));
  app.route('/', createOperatorPages(options));
  app.route('/', createConflictPages(options));
  return app;
}
