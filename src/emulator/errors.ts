import type { JsonObject } from './state.ts';

/** The error codes the emulator answers with (Notion's own, status-codes reference). */
export type NotionErrorCode =
  | 'invalid_json'
  | 'invalid_request_url'
  | 'invalid_request'
  | 'invalid_grant'
  | 'invalid_client'
  | 'validation_error'
  | 'missing_version'
  | 'unauthorized'
  | 'restricted_resource'
  | 'object_not_found'
  | 'conflict_error'
  | 'rate_limited'
  | 'internal_server_error'
  | 'service_unavailable'
  | 'gateway_timeout'
  | 'service_overload';

/** Thrown inside handlers; the app turns it into Notion's error body. */
export class NotionApiError extends Error {
  readonly status: number;
  readonly code: NotionErrorCode;
  readonly additionalData: JsonObject | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: NotionErrorCode,
    message: string,
    options: { additionalData?: JsonObject; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.additionalData = options.additionalData;
    this.headers = options.headers ?? {};
  }

  toBody(requestId: string): JsonObject {
    const body: JsonObject = {
      object: 'error',
      status: this.status,
      code: this.code,
      message: this.message,
    };
    if (this.additionalData) body.additional_data = this.additionalData;
    body.request_id = requestId;
    return body;
  }
}

export function validationError(message: string): NotionApiError {
  return new NotionApiError(400, 'validation_error', message);
}

/** `body failed validation: <path> should be …` — Notion's wording for schema violations. */
export function bodyValidationError(path: string, rule: string): NotionApiError {
  return validationError(`body failed validation: ${path} ${rule}.`);
}

export function tooLong(path: string, limit: number, actual: number): NotionApiError {
  return bodyValidationError(
    `${path}.length`,
    `should be ≤ \`${limit}\`, instead was \`${actual}\``,
  );
}

export function invalidRequestUrl(): NotionApiError {
  return new NotionApiError(400, 'invalid_request_url', 'Invalid request URL.');
}

export type NotFoundKind =
  | 'page'
  | 'database'
  | 'data_source'
  | 'block'
  | 'user'
  | 'comment'
  | 'async_task'
  | 'file_upload'
  | 'view'
  | 'view_query';

const KIND_WORDS: Record<NotFoundKind, string> = {
  page: 'page',
  database: 'database',
  data_source: 'data source',
  block: 'block',
  user: 'user',
  comment: 'comment',
  async_task: 'async task',
  file_upload: 'file upload',
  view: 'view',
  view_query: 'view query',
};

/** 404 worded exactly as recorded, naming the integration. */
export function objectNotFound(
  kind: NotFoundKind,
  id: string,
  integration: { id: string; name: string },
): NotionApiError {
  return new NotionApiError(
    404,
    'object_not_found',
    `Could not find ${KIND_WORDS[kind]} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration "${integration.name}".`,
    { additionalData: { integration_id: integration.id } },
  );
}

const DEFAULT_MESSAGES: Record<number, [NotionErrorCode, string]> = {
  409: ['conflict_error', 'Conflict occurred while saving. Please try again.'],
  500: ['internal_server_error', 'Unexpected error occurred.'],
  503: ['service_unavailable', 'Notion is unavailable, please try again later.'],
  504: ['gateway_timeout', 'Gateway timeout.'],
  529: ['service_overload', 'Notion is overloaded, please try again later.'],
};

/** The error Notion answers with for an injected status (502 has no JSON body: see faults). */
export function errorForStatus(status: number): NotionApiError {
  const [code, message] = DEFAULT_MESSAGES[status] ?? DEFAULT_MESSAGES[500]!;
  const headers: Record<string, string> = status === 529 ? { 'retry-after': '1' } : {};
  return new NotionApiError(status in DEFAULT_MESSAGES ? status : 500, code, message, { headers });
}
