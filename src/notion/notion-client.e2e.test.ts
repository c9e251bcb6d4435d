// Invariant: over a real socket (no injected fetch), the client reaches a configurable base URL,
// retries reads after a dropped connection, and reports a dropped write as ambiguous.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createNotionClient, type NotionClient } from './notion-client.ts';
import type { NotionApiError } from './notion-error.ts';

let emulator: Emulator;
let server: RunningServer;
let client: NotionClient;

beforeAll(async () => {
  emulator = await createEmulator({ rateLimit: false });
  server = await emulator.listen({ port: 0 });
  client = createNotionClient({
    token: emulator.token,
    baseUrl: server.baseUrl,
    retryBaseDelayMs: 5,
    timeoutMs: 2000,
  });
});

afterAll(async () => {
  await server.close();
});

async function failure(promise: Promise<unknown>): Promise<NotionApiError> {
  try {
    await promise;
  } catch (error) {
    return error as NotionApiError;
  }
  throw new Error('expected the request to fail');
}

describe('over a socket', () => {
  it('reads through the base URL and retries a read after a dropped connection', async () => {
    emulator.control.setFaults([{ route: 'GET /v1/pages/{page_id}', reset: true, count: 1 }]);
    const page = await client.pages.retrieve({ page_id: emulator.rootPageId });
    expect(page.id).toBe(emulator.rootPageId);
    expect(client.stats().byEndpoint['GET /v1/pages/{id}']?.byStatus).toStrictEqual({
      network: 1,
      '200': 1,
    });
  });

  it('reports a write whose connection dropped after it was applied as ambiguous', async () => {
    emulator.control.setFaults([{ route: 'POST /v1/pages', applyThenFail: 'reset', count: 1 }]);
    const error = await failure(
      client.pages.create({
        parent: { page_id: emulator.rootPageId },
        properties: { title: { title: [{ text: { content: 'dropped' } }] } },
      }),
    );
    expect(error.code).toBe('notion_unavailable');
    expect(error.ambiguous).toBe(true);
    expect(client.stats().byEndpoint['POST /v1/pages']?.calls).toBe(1);
  });
});
