// Bearer-token protection of /api/v1. The token is compared in constant time (both sides are
// hashed first, so their lengths never leak either). Without a configured token the API is
// open only on a loopback host — `serve` refuses to start otherwise (see serve.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { NotionSyncError } from '../../errors.ts';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** True when `given` equals `expected`, in time independent of where they differ. */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function requireBearer(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (token !== undefined) {
      const header = c.req.header('authorization') ?? '';
      const match = /^Bearer\s+(.+)$/i.exec(header.trim());
      if (!match?.[1] || !tokensEqual(match[1], token)) {
        c.header('WWW-Authenticate', 'Bearer realm="notion-sync"');
        throw new NotionSyncError(
          'api_unauthorized',
          'Missing or wrong bearer token: send `Authorization: Bearer <NOTION_SYNC_API_TOKEN>`.',
        );
      }
    }
    await next();
  };
}

/** Loopback hosts, where an API without a token is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
