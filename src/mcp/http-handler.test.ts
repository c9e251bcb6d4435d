// The Streamable HTTP handler mounted in a Hono app on a real socket, driven by the SDK client's
// Streamable HTTP transport: the same tools answer from the store (0 Notion calls), calls are
// audited, and each request is stateless (a second client works without a session).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../config/index.ts';
import { createEmulator, type DemoWorkspace, type Emulator } from '../emulator/index.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import { createEngineRunJob } from './engine-run-job.ts';
import { createMcpHttpHandler } from './http-handler.ts';
import { createMcpServer } from './mcp-server.ts';
import { createMcpHarness, dataOf, type McpHarness } from './test-support/mcp-harness.ts';

describe('MCP over Streamable HTTP', () => {
  let emu: Emulator;
  let h: McpHarness;
  let url: URL;
  let close: () => Promise<void>;

  beforeAll(async () => {
    emu = await createEmulator({ seed: 'demo' });
    const demo = emu.demo as DemoWorkspace;
    const sources = [
      { name: 'tasks', database: demo.tasksDatabaseId },
      { name: 'wiki', page: demo.wikiPageId, content: 'markdown' },
    ] as SourceConfig[];
    const factory = storeFactories().find((f) => f.name === 'sqlite-file')!;
    h = await createMcpHarness(factory, emu, sources);
    const handler = createMcpHttpHandler(() =>
      createMcpServer({
        engine: h.engine,
        store: h.store,
        sources,
        runJob: createEngineRunJob(h.engine),
      }),
    );
    const app = new Hono();
    app.all('/mcp', (c) => handler(c.req.raw));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await close?.();
    await h?.close();
  });

  async function connect(): Promise<Client> {
    const client = new Client({ name: 'http-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url));
    return client;
  }

  it('answers tools from the store with 0 Notion calls and audits them', async () => {
    emu.control.clearRequestLog();
    const client = await connect();
    const before = (await h.store.mcpCalls.list({ limit: 1000 })).length;
    try {
      const sources = dataOf<{ sources: { name: string }[] }>(
        (await client.callTool({ name: 'list_sources', arguments: {} })) as CallToolResult,
      );
      expect(sources.sources.map((s) => s.name)).toEqual(['tasks', 'wiki']);
      const hits = dataOf<{ results: { pageId: string }[] }>(
        (await client.callTool({
          name: 'search',
          arguments: { query: 'the', source: 'wiki' },
        })) as CallToolResult,
      );
      const page = dataOf<{ pageId: string; content: string }>(
        (await client.callTool({
          name: 'get_page',
          arguments: { page: hits.results[0]!.pageId, budget: 500 },
        })) as CallToolResult,
      );
      expect(page.content.length).toBeLessThanOrEqual(500);
      const resources = await client.listResources();
      expect(resources.resources.some((r) => r.uri === 'notion-sync://source/tasks')).toBe(true);
    } finally {
      await client.close();
    }
    const second = await connect();
    const status = (await second.callTool({ name: 'status', arguments: {} })) as CallToolResult;
    expect(status.isError).toBeFalsy();
    await second.close();
    expect(emu.control.requestLog()).toHaveLength(0);
    const calls = await h.store.mcpCalls.list({ limit: 1000 });
    expect(calls.length - before).toBe(4);
  });
});
