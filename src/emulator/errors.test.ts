import { APIResponseError, Client, LogLevel } from '@notionhq/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../shared/index.ts';
import { createEmulator, type Emulator } from './index.ts';
import { rejectionOf } from './test-support.ts';

/** Every error code the emulator produces must come back through the SDK as APIResponseError. */
const getResponseHeader = (headers: unknown, name: string): string | undefined =>
  headers instanceof Headers ? (headers.get(name) ?? undefined) : undefined;

describe('error bodies round-trip through the SDK', () => {
  let emu: Emulator;
  const clock = createManualClock();

  beforeEach(async () => {
    emu = await createEmulator({ clock, rateLimit: { requestsPerSecond: 1, burst: 1 } });
  });

  const noRetry = (options: { token?: string; fetch?: typeof fetch } = {}) =>
    new Client({
      auth: options.token ?? emu.token,
      fetch: options.fetch ?? emu.fetch,
      baseUrl: emu.baseUrl,
      notionVersion: '2026-03-11',
      retry: false,
      logLevel: LogLevel.ERROR,
    });

  async function codeOf(
    promise: Promise<unknown>,
  ): Promise<{ code: string; requestId: string | undefined }> {
    const error = await rejectionOf(promise);
    expect(error).toBeInstanceOf(APIResponseError);
    const apiError = error as APIResponseError;
    return {
      code: apiError.code,
      requestId: getResponseHeader(apiError.headers, 'x-notion-request-id'),
    };
  }

  it.each([
    ['unauthorized', (_: Emulator, c: Client) => c.users.me({})],
    [
      'invalid_request_url',
      (_: Emulator, c: Client) => c.request({ path: 'nowhere', method: 'get' }),
    ],
    ['object_not_found', (_: Emulator, c: Client) => c.pages.retrieve({ page_id: '0'.repeat(32) })],
    ['validation_error', (_: Emulator, c: Client) => c.pages.retrieve({ page_id: 'not-an-id' })],
  ])('%s', async (expected, call) => {
    const client = expected === 'unauthorized' ? noRetry({ token: 'ntn_wrong' }) : noRetry();
    const { code, requestId } = await codeOf(call(emu, client));
    expect(code).toBe(expected);
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('restricted_resource', async () => {
    const other = emu.control.createIntegration('Other');
    emu.control.share(emu.rootPageId, other.id);
    const comment = await noRetry().comments.create({
      parent: { page_id: emu.rootPageId },
      rich_text: [{ text: { content: 'mine' } }],
    });
    await clock.advance(1000);
    const { code } = await codeOf(
      noRetry({ token: other.token }).comments.update({
        comment_id: comment.id,
        rich_text: [{ text: { content: 'yours?' } }],
      }),
    );
    expect(code).toBe('restricted_resource');
  });

  it('invalid_json', async () => {
    const corrupt: typeof fetch = (input, init) =>
      emu.fetch(input, { ...init, body: '{"parent": ' });
    const { code } = await codeOf(
      noRetry({ fetch: corrupt }).pages.create({
        parent: { page_id: emu.rootPageId },
        properties: {},
      }),
    );
    expect(code).toBe('invalid_json');
  });

  it('rate_limited with an integer Retry-After and a reason', async () => {
    const client = noRetry();
    await client.users.me({});
    const error = await rejectionOf(client.users.me({}));
    expect(error).toBeInstanceOf(APIResponseError);
    const apiError = error as APIResponseError;
    expect(apiError.code).toBe('rate_limited');
    expect(getResponseHeader(apiError.headers, 'retry-after')).toMatch(/^\d+$/);
    expect(JSON.parse(apiError.body).additional_data.rate_limit_reason).toBe(
      'integration_rate_limit',
    );
    await clock.advance(1000);
    await expect(client.users.me({})).resolves.toMatchObject({ object: 'user' });
  });

  it.each([
    [409, 'conflict_error'],
    [500, 'internal_server_error'],
    [503, 'service_unavailable'],
    [504, 'gateway_timeout'],
    [529, 'service_overload'],
  ] as const)('fault %i → %s', async (status, expected) => {
    emu.control.setFaults([{ route: 'GET /v1/users/me', status, count: 1 }]);
    const { code } = await codeOf(noRetry().users.me({}));
    expect(code).toBe(expected);
  });

  it('missing_version is Notion’s body even though the SDK never omits the header', async () => {
    const response = await emu.fetch(`${emu.baseUrl}/v1/users/me`, {
      headers: { authorization: `Bearer ${emu.token}` },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      object: 'error',
      status: 400,
      code: 'missing_version',
    });
    expect(response.headers.get('x-notion-request-id')).toBeTruthy();
  });
});
