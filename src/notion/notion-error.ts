import {
  APIResponseError,
  isHTTPResponseError,
  isNotionClientError,
  RequestTimeoutError,
} from '@notionhq/client';
import { type ErrorCode, type ErrorDetails, NotionSyncError } from '../errors.ts';

/** What a failed request was, for the message and for the retry decision. */
export interface RequestContext {
  /** Endpoint template, e.g. `POST /v1/data_sources/{id}/query`. */
  endpoint: string;
  /** True for requests that change Notion (creates, updates, appends, trash). */
  write: boolean;
  /** The main object the request is about (page, data source, block id), for messages. */
  objectId?: string;
}

/** How a failure should be handled by the request path. */
export type FailureKind =
  | 'rate_limited' // not processed; wait Retry-After and send again (any method)
  | 'transient' // 5xx, timeout, reset: may have been applied; repeat only reads
  | 'permanent'; // 4xx and the like: repeating cannot help

export interface NotionApiErrorInit {
  status: number | undefined;
  notionCode: string | undefined;
  requestId: string | undefined;
  endpoint: string;
  kind: FailureKind;
  ambiguous: boolean;
  retryAfterMs: number | undefined;
  rateLimitReason: string | undefined;
}

/**
 * A Notion request that failed, classified into our codes. `ambiguous` is true when a write may
 * have been applied although it failed (timeout, connection reset, 5xx): push must look its sync
 * key up before creating again. Never carries the token.
 */
export class NotionApiError extends NotionSyncError {
  readonly status: number | undefined;
  readonly notionCode: string | undefined;
  readonly requestId: string | undefined;
  readonly endpoint: string;
  readonly kind: FailureKind;
  readonly ambiguous: boolean;
  readonly retryAfterMs: number | undefined;
  readonly rateLimitReason: string | undefined;

  constructor(code: ErrorCode, message: string, init: NotionApiErrorInit, cause: unknown) {
    const details: ErrorDetails = {
      endpoint: init.endpoint,
      status: init.status,
      notionCode: init.notionCode,
      requestId: init.requestId,
      ambiguous: init.ambiguous,
    };
    if (init.retryAfterMs !== undefined) details.retryAfterMs = init.retryAfterMs;
    if (init.rateLimitReason !== undefined) details.rateLimitReason = init.rateLimitReason;
    super(code, message, { details, cause });
    this.status = init.status;
    this.notionCode = init.notionCode;
    this.requestId = init.requestId;
    this.endpoint = init.endpoint;
    this.kind = init.kind;
    this.ambiguous = init.ambiguous;
    this.retryAfterMs = init.retryAfterMs;
    this.rateLimitReason = init.rateLimitReason;
  }
}

export function isNotionApiError(value: unknown): value is NotionApiError {
  return value instanceof NotionApiError;
}

/** True when a write failed in a way that may still have applied it (see `NotionApiError`). */
export function isAmbiguousWriteError(value: unknown): value is NotionApiError {
  return value instanceof NotionApiError && value.ambiguous;
}

const VALIDATION_CODES = new Set([
  'validation_error',
  'invalid_json',
  'invalid_request_url',
  'invalid_request',
  'missing_version',
  'invalid_beta',
]);

const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

function readRetryAfterMs(headers: unknown): number | undefined {
  const get = (headers as { get?: (name: string) => string | null } | undefined)?.get;
  const raw = typeof get === 'function' ? get.call(headers, 'retry-after') : undefined;
  if (raw === undefined || raw === null || raw === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function rateLimitReasonOf(additional: unknown): string | undefined {
  if (additional && typeof additional === 'object' && 'rate_limit_reason' in additional) {
    const reason = (additional as { rate_limit_reason: unknown }).rate_limit_reason;
    return typeof reason === 'string' ? reason : undefined;
  }
  return undefined;
}

function subject(context: RequestContext): string {
  return context.objectId ? `${context.endpoint} (${context.objectId})` : context.endpoint;
}

function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return true;
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown })?.code;
  if (typeof code === 'string' && /^(ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR)/.test(code))
    return true;
  return error instanceof TypeError && /fetch failed|network|socket/i.test(error.message);
}

/** Turns whatever the SDK (or fetch) threw into a `NotionApiError` with an actionable message. */
export function classifyNotionError(error: unknown, context: RequestContext): NotionApiError {
  if (error instanceof NotionApiError) return error;
  const base = {
    endpoint: context.endpoint,
    retryAfterMs: undefined,
    rateLimitReason: undefined,
  };
  if (RequestTimeoutError.isRequestTimeoutError(error)) {
    return new NotionApiError(
      'notion_timeout',
      `Notion did not answer ${subject(context)} in time${context.write ? '; the change may or may not have been applied' : ''}.`,
      {
        ...base,
        status: undefined,
        notionCode: undefined,
        requestId: undefined,
        kind: 'transient',
        ambiguous: context.write,
      },
      error,
    );
  }
  if (isHTTPResponseError(error)) return classifyHttpError(error, context);
  if (isNotionClientError(error)) {
    return new NotionApiError(
      'notion_validation',
      `${subject(context)} was refused before sending: ${error.message}`,
      {
        ...base,
        status: undefined,
        notionCode: error.code,
        requestId: undefined,
        kind: 'permanent',
        ambiguous: false,
      },
      error,
    );
  }
  if (error instanceof SyntaxError) {
    return new NotionApiError(
      'notion_bad_response',
      `Notion answered ${subject(context)} with a body that is not JSON.`,
      {
        ...base,
        status: undefined,
        notionCode: undefined,
        requestId: undefined,
        kind: 'transient',
        ambiguous: context.write,
      },
      error,
    );
  }
  const network = isNetworkError(error);
  const message = error instanceof Error ? error.message : String(error);
  return new NotionApiError(
    network ? 'notion_unavailable' : 'notion_error',
    network
      ? `Could not reach Notion for ${subject(context)} (${message})${context.write ? '; the change may or may not have been applied' : ''}.`
      : `${subject(context)} failed: ${message}`,
    {
      ...base,
      status: undefined,
      notionCode: undefined,
      requestId: undefined,
      kind: network ? 'transient' : 'permanent',
      ambiguous: network && context.write,
    },
    error,
  );
}

type HttpError = Parameters<typeof isHTTPResponseError>[0] & {
  code: string;
  status: number;
  headers: unknown;
  message: string;
  request_id?: string | undefined;
  additional_data?: unknown;
};

interface HttpRule {
  matches(status: number, notionCode: string | undefined): boolean;
  code: ErrorCode;
  kind: FailureKind;
  message(what: string, context: RequestContext, error: HttpError): string;
}

const mayHaveApplied = (context: RequestContext) =>
  context.write ? '; the change may or may not have been applied' : '';

// First match wins; 429/529 are handled before these rules.
const HTTP_RULES: HttpRule[] = [
  {
    // Notion's answer for a path it does not serve; a 404/405 without Notion's JSON error body
    // comes from a server that is not Notion at all. Either way the base URL is wrong, and the
    // object is not "unshared": saying so would send the user to the wrong fix.
    matches: (s, c) => c === 'invalid_request_url' || (c === undefined && (s === 404 || s === 405)),
    code: 'notion_base_url_invalid',
    kind: 'permanent',
    message: (what, _context, error) =>
      `${error.code === 'invalid_request_url' ? 'Notion answered "Invalid request URL." for' : `The server answered HTTP ${error.status} without a Notion error body for`} ${what}: ` +
      'the base URL is wrong — set notion.baseUrl (NOTION_BASE_URL) to https://api.notion.com, ' +
      "or to the emulator's address such as http://127.0.0.1:4010, with no path.",
  },
  {
    matches: (s, c) => s === 401 || c === 'unauthorized',
    code: 'notion_unauthorized',
    kind: 'permanent',
    message: () =>
      'NOTION_TOKEN was rejected: create a new token or reconnect (Notion → Settings → Connections → your integration).',
  },
  {
    matches: (s, c) => s === 403 || c === 'restricted_resource',
    code: 'notion_forbidden',
    kind: 'permanent',
    message: (what) =>
      `The integration may not do ${what}: give it the needed capabilities (read, update or insert content) in its settings.`,
  },
  {
    matches: (s, c) => s === 404 || c === 'object_not_found',
    code: 'notion_not_found',
    kind: 'permanent',
    message: (what, context) =>
      `${context.objectId ?? what} was not found or not shared with the integration: share it from Notion's ••• → Connections menu.`,
  },
  {
    matches: (s, c) => s === 409 || c === 'conflict_error',
    code: 'notion_conflict',
    kind: 'permanent',
    message: (what) =>
      `Notion reported a conflicting concurrent edit for ${what}; read the object again and retry.`,
  },
  {
    matches: (s) => TRANSIENT_STATUSES.has(s),
    code: 'notion_unavailable',
    kind: 'transient',
    message: (what, context, error) =>
      `Notion failed ${what} with HTTP ${error.status}${APIResponseError.isAPIResponseError(error) ? ` (${error.code})` : ''}${mayHaveApplied(context)}.`,
  },
  {
    matches: (s, c) => (c !== undefined && VALIDATION_CODES.has(c)) || (s >= 400 && s < 500),
    code: 'notion_validation',
    kind: 'permanent',
    message: (what, _context, error) => `Notion refused ${what}: ${error.message}`,
  },
];

function classifyHttpError(raw: unknown, context: RequestContext): NotionApiError {
  const error = raw as HttpError;
  const notionCode = APIResponseError.isAPIResponseError(raw) ? error.code : undefined;
  const init = {
    endpoint: context.endpoint,
    status: error.status,
    notionCode,
    requestId: error.request_id,
    retryAfterMs: undefined as number | undefined,
    rateLimitReason: undefined as string | undefined,
  };
  const what = subject(context);
  if (error.status === 429 || error.status === 529 || notionCode === 'rate_limited') {
    const retryAfterMs = readRetryAfterMs(error.headers);
    const rateLimitReason = rateLimitReasonOf(error.additional_data);
    return new NotionApiError(
      'notion_rate_limited',
      `Notion rate-limited ${what}${rateLimitReason ? ` (${rateLimitReason})` : ''}; requests pause for ${Math.ceil((retryAfterMs ?? 1000) / 1000)} s.`,
      { ...init, retryAfterMs, rateLimitReason, kind: 'rate_limited', ambiguous: false },
      raw,
    );
  }
  const rule = HTTP_RULES.find((r) => r.matches(error.status, notionCode));
  if (rule) {
    const ambiguous = rule.kind === 'transient' && context.write;
    return new NotionApiError(
      rule.code,
      rule.message(what, context, error),
      { ...init, kind: rule.kind, ambiguous },
      raw,
    );
  }
  return new NotionApiError(
    'notion_error',
    `Notion failed ${what} with HTTP ${error.status}: ${error.message}${mayHaveApplied(context)}`,
    { ...init, kind: 'permanent', ambiguous: context.write },
    raw,
  );
}
