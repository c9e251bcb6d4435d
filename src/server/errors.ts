// The server's one error boundary: every error becomes `{ error: { code, message } }` with the
// HTTP status its code means. Unknown errors are logged and answered as `internal` without
// their message (it may name internals); secrets never appear in either.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorCode, isNotionSyncError } from '../errors.ts';
import type { Logger } from '../shared/index.ts';

const STATUS: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  usage: 400,
  value_invalid: 400,
  webhook_body_invalid: 400,
  api_unauthorized: 401,
  webhook_unverified: 401,
  webhook_signature_invalid: 401,
  connection_not_found: 404,
  route_not_found: 404,
  source_not_found: 404,
  store_not_found: 404,
  source_busy: 409,
  sync_conflict: 409,
  webhook_body_too_large: 413,
  secret_key_missing: 503,
  notion_rate_limited: 503,
  notion_unavailable: 503,
};

export function statusForCode(code: ErrorCode): ContentfulStatusCode {
  return STATUS[code] ?? 500;
}

export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context) => {
    if (isNotionSyncError(error)) {
      const status = statusForCode(error.code);
      if (status >= 500)
        logger.error({ code: error.code, path: c.req.path, err: error }, 'request failed');
      return c.json({ error: { code: error.code, message: error.message } }, status);
    }
    logger.error({ path: c.req.path, err: error }, 'request failed');
    return c.json(
      { error: { code: 'internal', message: 'Internal error; see the server log.' } },
      500,
    );
  };
}
