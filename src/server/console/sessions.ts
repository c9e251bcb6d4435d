// Console sessions, two audiences that never mix: an operator (logged in with
// NOTION_SYNC_API_TOKEN) sees everything; an app's end user, whose session is made when their
// OAuth callback succeeds, sees only their own connection. The session id travels in an
// HttpOnly, SameSite=Lax cookie; each session has its own CSRF token that every form sends
// back. Sessions live in the serve process's memory and expire after SESSION_LIFETIME_MS.
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { NotionSyncError } from '../../errors.ts';
import type { Clock } from '../../shared/index.ts';
import { tokensEqual } from '../api/auth.ts';

export const SESSION_COOKIE = 'ns_console';
export const SESSION_LIFETIME_MS = 12 * 3_600_000;
const MAX_SESSIONS = 10_000;

export type SessionRole =
  | { role: 'operator' }
  | { role: 'user'; connection: string; appUser: string | null };

export type Session = SessionRole & { id: string; csrf: string; expiresAt: number };

export interface Sessions {
  /** Starts a session and sets its cookie on the response. */
  start(c: Context, role: SessionRole): Session;
  /** The session of the request's cookie, if any and not expired. */
  of(c: Context): Session | null;
  end(c: Context): void;
}

export function createSessions(clock: Clock, secureCookies: boolean): Sessions {
  const sessions = new Map<string, Session>();
  return {
    start(c, role) {
      const now = clock.now();
      for (const [id, s] of sessions)
        if (s.expiresAt <= now || sessions.size > MAX_SESSIONS) sessions.delete(id);
      const session: Session = {
        ...role,
        id: randomBytes(32).toString('base64url'),
        csrf: randomBytes(32).toString('base64url'),
        expiresAt: now + SESSION_LIFETIME_MS,
      };
      sessions.set(session.id, session);
      setCookie(c, SESSION_COOKIE, session.id, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: secureCookies,
        path: '/',
        maxAge: SESSION_LIFETIME_MS / 1000,
      });
      return session;
    },
    of(c) {
      const id = getCookie(c, SESSION_COOKIE);
      const session = id ? sessions.get(id) : undefined;
      if (!session) return null;
      if (session.expiresAt <= clock.now()) {
        sessions.delete(session.id);
        return null;
      }
      return session;
    },
    end(c) {
      const id = getCookie(c, SESSION_COOKIE);
      if (id) sessions.delete(id);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
    },
  };
}

/** `csrf_invalid` unless the form's `csrf` field is the session's token. */
export function checkCsrf(session: Session, form: Record<string, unknown>): void {
  const given = typeof form.csrf === 'string' ? form.csrf : '';
  if (!given || !tokensEqual(given, session.csrf)) {
    throw new NotionSyncError(
      'csrf_invalid',
      'This form is stale or did not come from the console: reload the page and try again.',
    );
  }
}

/** Whether `session` may see `connection`: operators see all, end users only their own. */
export function mayUseConnection(session: Session, connection: string): boolean {
  return session.role === 'operator' || session.connection === connection;
}

export function forbidden(): NotionSyncError {
  return new NotionSyncError(
    'console_forbidden',
    'This page is for operators: your session can only see your own Notion connection.',
  );
}
