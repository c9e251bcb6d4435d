import { APIResponseError, RequestTimeoutError, UnknownHTTPResponseError } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { classifyNotionError } from './notion-error.ts';

// The SDK's own error classes, built as its response parser builds them.
function apiError(
  status: number,
  code: string,
  extra: { retryAfter?: string; additional?: unknown } = {},
) {
  const headers = new Headers(extra.retryAfter ? { 'retry-after': extra.retryAfter } : {});
  return new APIResponseError({
    code: code as never,
    status,
    message: `message for ${code}`,
    headers,
    rawBodyText: '{}',
    additional_data: extra.additional as never,
    request_id: 'req-1',
  });
}

const read = { endpoint: 'GET /v1/pages/{id}', write: false, objectId: 'page-1' };
const write = { endpoint: 'POST /v1/pages', write: true };

describe('classifyNotionError', () => {
  it.each([
    [401, 'unauthorized', 'notion_unauthorized', 'permanent'],
    [403, 'restricted_resource', 'notion_forbidden', 'permanent'],
    [404, 'object_not_found', 'notion_not_found', 'permanent'],
    [400, 'validation_error', 'notion_validation', 'permanent'],
    [409, 'conflict_error', 'notion_conflict', 'permanent'],
    [429, 'rate_limited', 'notion_rate_limited', 'rate_limited'],
    [529, 'service_overload', 'notion_rate_limited', 'rate_limited'],
    [500, 'internal_server_error', 'notion_unavailable', 'transient'],
    [503, 'service_unavailable', 'notion_unavailable', 'transient'],
    [504, 'gateway_timeout', 'notion_unavailable', 'transient'],
  ])('HTTP %i %s → %s', (status, code, expected, kind) => {
    const error = classifyNotionError(apiError(status, code), read);
    expect(error.code).toBe(expected);
    expect(error.kind).toBe(kind);
    expect(error.requestId).toBe('req-1');
    expect(error.details.requestId).toBe('req-1');
    expect(error.ambiguous).toBe(false);
  });

  it('keeps Notion message for validation errors and the retry delay of a 429', () => {
    expect(classifyNotionError(apiError(400, 'validation_error'), read).message).toContain(
      'message for validation_error',
    );
    const limited = classifyNotionError(
      apiError(429, 'rate_limited', {
        retryAfter: '7',
        additional: { rate_limit_reason: 'workspace' },
      }),
      read,
    );
    expect(limited.retryAfterMs).toBe(7000);
    expect(limited.rateLimitReason).toBe('workspace');
  });

  it('marks writes that may have been applied as ambiguous', () => {
    expect(classifyNotionError(apiError(504, 'gateway_timeout'), write).ambiguous).toBe(true);
    expect(classifyNotionError(apiError(429, 'rate_limited'), write).ambiguous).toBe(false);
    expect(classifyNotionError(apiError(400, 'validation_error'), write).ambiguous).toBe(false);
    const timeout = classifyNotionError(new RequestTimeoutError(), write);
    expect(timeout.code).toBe('notion_timeout');
    expect(timeout.ambiguous).toBe(true);
    const reset = classifyNotionError(
      Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }),
      write,
    );
    expect(reset.code).toBe('notion_unavailable');
    expect(reset.ambiguous).toBe(true);
    expect(reset.kind).toBe('transient');
  });

  it('classifies a 502 from the edge proxy as transient', () => {
    const edge = new UnknownHTTPResponseError({
      status: 502,
      message: undefined,
      headers: new Headers(),
      rawBodyText: '<html>',
    });
    const error = classifyNotionError(edge, read);
    expect(error.code).toBe('notion_unavailable');
    expect(error.kind).toBe('transient');
  });
});
