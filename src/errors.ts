/**
 * The one error type notion-sync raises on purpose. `code` is stable and machine-readable;
 * `message` says what happened, to which object, and what to do next; `details` is JSON-safe
 * context that never holds a secret.
 */
export type ErrorCode =
  | 'usage'
  | 'config_invalid'
  | 'config_not_found'
  | 'config_unreadable'
  | 'notion_unauthorized'
  | 'notion_forbidden'
  | 'notion_not_found'
  | 'notion_rate_limited'
  | 'notion_validation'
  | 'notion_conflict'
  | 'notion_unavailable'
  | 'notion_timeout'
  | 'notion_error'
  | 'notion_bad_response'
  | 'notion_base_url_invalid'
  | 'notion_incomplete'
  | 'notion_query_capped'
  | 'pagination_loop'
  | 'store_invalid_url'
  | 'store_too_new'
  | 'store_too_old'
  | 'store_error'
  | 'store_append_only'
  | 'store_not_found'
  | 'store_missing'
  | 'store_invalid_state'
  | 'secret_key_missing'
  | 'secret_key_invalid'
  | 'secret_decrypt_failed'
  | 'source_not_found'
  | 'source_busy'
  | 'source_rebound'
  | 'run_interrupted'
  | 'source_ambiguous'
  | 'access_lost'
  | 'value_invalid'
  | 'file_invalid'
  | 'sync_conflict'
  | 'sync_dead_letter'
  | 'sync_retry_waiting'
  | 'file_expired'
  | 'file_gone'
  | 'file_download_failed'
  | 'file_too_large'
  | 'file_checksum_mismatch'
  | 'file_store_full'
  | 'file_not_found'
  | 'file_upload_failed'
  | 'plan_pending'
  | 'restore_before_history'
  | 'sql_refused'
  | 'input_too_large'
  | 'connection_not_found'
  | 'connection_reconnect'
  | 'oauth_not_configured'
  | 'oauth_state_invalid'
  | 'oauth_exchange_failed'
  | 'console_login_required'
  | 'console_forbidden'
  | 'csrf_invalid'
  | 'webhook_token_missing'
  | 'webhook_unverified'
  | 'webhook_signature_invalid'
  | 'webhook_body_invalid'
  | 'webhook_body_too_large'
  | 'api_unauthorized'
  | 'api_token_required'
  | 'route_not_found'
  | 'queue_unreachable'
  | 'job_invalid'
  | 'internal';

export type ErrorDetails = Record<string, unknown>;

export interface NotionSyncErrorOptions {
  details?: ErrorDetails;
  cause?: unknown;
}

export class NotionSyncError extends Error {
  override readonly name = 'NotionSyncError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: NotionSyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isNotionSyncError(value: unknown): value is NotionSyncError {
  return value instanceof NotionSyncError;
}

/** Exit status a CLI run ends with for an error of this code (DESIGN.md §8). */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'usage':
    case 'config_invalid':
    case 'config_not_found':
    case 'config_unreadable':
    case 'restore_before_history':
    case 'source_rebound':
      return 2;
    case 'sync_conflict':
      return 3;
    case 'plan_pending':
      return 4;
    default:
      return 1;
  }
}
