// Invariant: reads are retried through transient failures, writes never are (an ambiguous write
// failure reaches the caller), repeated failures open the circuit and it recovers with Notion.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.ts';
import type { NotionSyncError } from '../errors.ts';
import { createManualClock } from '../shared/index.ts';
import { createNotionClient, type NotionClientOptions } from './notion-client.ts';
import { isAmbiguousWriteError, type NotionApiError } from './notion-error.ts';

async function setup(options: Partial<NotionClientOptions> = {}) {
  const clock = createManualClock();
  const emulator = await createEmulator({ clock, rateLimit: false });
  const client = createNotionClient({
    token: emulator.token,
    baseUrl: emulator.baseUrl,
    fetch: emulator.fetch,
    clock,
    pacing: { requestsPerSecond: 1000, burst: 1000, maxInFlight: 10 },
    retryBaseDelayMs: 10,
    ...options,
  });
  return { clock, emulator, client };
}

async function failure(promise: Promise<unknown>): Promise<NotionApiError> {
  try {
    await promise;
  } catch (error) {
    return error as NotionApiError;
  }
  throw new Error('expected the request to fail');
}

/** Lets a request that sleeps on the manual clock (back-off) make progress. */
async function settle<T>(
  clock: ReturnType<typeof createManualClock>,
  promise: Promise<T>,
): Promise<T> {
  let done = false;
  const watched = promise.finally(() => {
    done = true;
  });
  watched.catch(() => undefined);
  while (!done) await clock.advance(5);
  return watched;
}

const pageRequests = (emulator: Awaited<ReturnType<typeof createEmulator>>, method: string) =>
  emulator.control
    .requestLog()
    .filter((r) => r.method === method && r.path.startsWith('/v1/pages'));

describe('resilience against the emulator', () => {
  it('retries a read through transient 503s and counts the retries', async () => {
    const { clock, emulator, client } = await setup();
    emulator.control.setFaults([{ route: 'GET /v1/pages/{page_id}', status: 503, count: 2 }]);
    const page = await settle(clock, client.pages.retrieve({ page_id: emulator.rootPageId }));
    expect(page.id).toBe(emulator.rootPageId);
    const stats = client.stats().byEndpoint['GET /v1/pages/{id}'];
    expect(stats?.calls).toBe(3);
    expect(stats?.retries).toBe(2);
    expect(stats?.byStatus).toStrictEqual({ '200': 1, '503': 2 });
  });

  it('retries a read after a connection reset; a reset write is ambiguous and not repeated', async () => {
    const { clock, emulator, client } = await setup();
    emulator.control.setFaults([{ method: 'GET', reset: true, count: 1 }]);
    const page = await settle(clock, client.pages.retrieve({ page_id: emulator.rootPageId }));
    expect(page.id).toBe(emulator.rootPageId);
    expect(client.stats().byEndpoint['GET /v1/pages/{id}']?.byStatus).toStrictEqual({
      network: 1,
      '200': 1,
    });

    emulator.control.clearRequestLog();
    emulator.control.setFaults([{ method: 'PATCH', applyThenFail: 'reset', count: 1 }]);
    const error = await failure(
      settle(
        clock,
        client.pages.update({
          page_id: emulator.rootPageId,
          properties: { title: { title: [{ text: { content: 'Renamed' } }] } },
        }),
      ),
    );
    expect(error.code).toBe('notion_unavailable');
    expect(error.ambiguous).toBe(true);
    expect(pageRequests(emulator, 'PATCH')).toHaveLength(1);
  });

  it('never repeats a write; a write applied then failed is reported as ambiguous', async () => {
    const { clock, emulator, client } = await setup();
    emulator.control.clearRequestLog();
    emulator.control.setFaults([
      { method: 'POST', route: 'POST /v1/pages', applyThenFail: 504, count: 1 },
    ]);
    const error = await failure(
      settle(
        clock,
        client.pages.create({
          parent: { page_id: emulator.rootPageId },
          properties: { title: { title: [{ text: { content: 'sync-key-1' } }] } },
        }),
      ),
    );
    expect(error.code).toBe('notion_unavailable');
    expect(isAmbiguousWriteError(error)).toBe(true);
    expect(error.details.ambiguous).toBe(true);
    expect(pageRequests(emulator, 'POST')).toHaveLength(1);
    // The write was applied: the page is there, so push can find it by its sync key.
    const titles: string[] = [];
    for await (const child of client.iterateBlockChildren(emulator.rootPageId)) {
      if (child.type === 'child_page') titles.push(child.child_page.title);
    }
    expect(titles).toContain('sync-key-1');
  });

  it('times out a slow request and marks a timed-out write ambiguous', async () => {
    const { emulator, client } = await setup({ timeoutMs: 50 });
    emulator.control.setFaults([{ method: 'PATCH', latencyMs: 300, count: 1 }]);
    const error = await failure(
      client.pages.update({ page_id: emulator.rootPageId, properties: {} }),
    );
    expect(error.code).toBe('notion_timeout');
    expect(error.ambiguous).toBe(true);
  });

  it('opens the circuit after the configured failures and recovers when Notion does', async () => {
    const { clock, emulator, client } = await setup({
      maxRetries: 0,
      circuitBreaker: { failureThreshold: 3, cooldownMs: 5000 },
    });
    emulator.control.setFaults([{ method: 'GET', status: 503 }]);
    for (let i = 0; i < 3; i++) {
      expect((await failure(client.pages.retrieve({ page_id: emulator.rootPageId }))).code).toBe(
        'notion_unavailable',
      );
    }
    expect(client.circuitState()).toBe('open');
    emulator.control.clearRequestLog();
    const open = await failure(client.pages.retrieve({ page_id: emulator.rootPageId }));
    expect(open.code).toBe('notion_unavailable');
    expect(open.details.circuit).toBe('open');
    expect((open.cause as NotionSyncError).code).toBe('notion_unavailable');
    expect(emulator.control.requestLog()).toHaveLength(0);

    emulator.control.clearFaults();
    await clock.advance(5000);
    expect(client.circuitState()).toBe('half_open');
    const page = await client.pages.retrieve({ page_id: emulator.rootPageId });
    expect(page.id).toBe(emulator.rootPageId);
    expect(client.circuitState()).toBe('closed');
  });

  it('classifies a rejected token and an unshared page, without leaking the token', async () => {
    const { emulator } = await setup();
    const revoked = await emulator.control.createIntegration('revoked');
    emulator.control.revokeToken(revoked.token);
    const bad = createNotionClient({
      token: revoked.token,
      baseUrl: emulator.baseUrl,
      fetch: emulator.fetch,
    });
    const unauthorized = await failure(bad.users.me());
    expect(unauthorized.code).toBe('notion_unauthorized');
    expect(JSON.stringify(unauthorized.toJSON())).not.toContain(revoked.token);
    expect(unauthorized.message).not.toContain(revoked.token);

    const stranger = await emulator.control.createIntegration('stranger');
    const other = createNotionClient({
      token: stranger.token,
      baseUrl: emulator.baseUrl,
      fetch: emulator.fetch,
    });
    const notFound = await failure(other.pages.retrieve({ page_id: emulator.rootPageId }));
    expect(notFound.code).toBe('notion_not_found');
    expect(notFound.requestId).toBeTruthy();
  });
});
