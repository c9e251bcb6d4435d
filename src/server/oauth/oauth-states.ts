// Pending OAuth authorizations: each `state` is random, single-use, expires after
// STATE_LIFETIME_MS, and is bound to the browser that started it — the start sets a random
// cookie, the state remembers only the cookie's hash, and the callback must bring the same
// cookie. A forged, replayed, expired or foreign state is refused and nothing is stored.
// Pending states live in the serve process's memory: a restart asks the user to start again.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotionSyncError } from '../../errors.ts';
import type { Clock } from '../../shared/index.ts';

export const STATE_LIFETIME_MS = 10 * 60_000;
/** Pending states kept at most (the oldest go first): a flood of starts cannot grow memory. */
const MAX_PENDING = 10_000;

export interface PendingAuthorization {
  appUser: string | null;
}

interface Entry extends PendingAuthorization {
  browserHash: Buffer;
  expiresAt: number;
}

export interface OAuthStates {
  /** A new state and the browser cookie value it is bound to. */
  open(pending: PendingAuthorization): { state: string; browser: string };
  /** The pending authorization of `state` if `browser` is the cookie it was opened with; single use. */
  take(state: string | undefined, browser: string | undefined): PendingAuthorization;
}

const hash = (value: string) => createHash('sha256').update(value).digest();

function invalid(why: string): NotionSyncError {
  return new NotionSyncError(
    'oauth_state_invalid',
    `This sign-in link is not valid (${why}): start again with Connect Notion.`,
    { details: { why } },
  );
}

export function createOAuthStates(clock: Clock): OAuthStates {
  const pending = new Map<string, Entry>();

  function sweep(now: number): void {
    for (const [state, entry] of pending) {
      if (entry.expiresAt <= now || pending.size > MAX_PENDING) pending.delete(state);
    }
  }

  return {
    open(authorization) {
      const now = clock.now();
      sweep(now);
      const state = randomBytes(24).toString('base64url');
      const browser = randomBytes(24).toString('base64url');
      pending.set(state, {
        ...authorization,
        browserHash: hash(browser),
        expiresAt: now + STATE_LIFETIME_MS,
      });
      return { state, browser };
    },
    take(state, browser) {
      if (!state) throw invalid('it carries no state');
      const entry = pending.get(state);
      if (!entry) throw invalid('unknown or already used state');
      if (entry.expiresAt <= clock.now()) {
        pending.delete(state);
        throw invalid('it expired');
      }
      if (!browser || !timingSafeEqual(hash(browser), entry.browserHash))
        throw invalid('it was started in another browser session');
      pending.delete(state);
      return { appUser: entry.appUser };
    },
  };
}
