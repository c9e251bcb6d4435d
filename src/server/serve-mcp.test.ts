// `serve` mounts the MCP server at /mcp (Streamable HTTP) behind the API token, and MCP's `sync`
// goes through serve's runner: a call without the token is refused, one with it answers from the
// store, and a sync it triggers is recorded as a run with trigger `mcp`.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, createManualClock } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import { createServeHarness, type ServeHarness } from './test-support/serve-harness.ts';

const API_TOKEN = ['mcp', 'test', 'api', 'token'].join('-');
const [sqlite] = storeFactories();

describe('serve /mcp', () => {
  let h: ServeHarness | undefined;
  afterEach(async () => {
    await h?.service.stop();
    await h?.testStore.store.close();
    h = undefined;
  });

  async function start() {
    const clock = createManualClock(Date.UTC(2026, 4, 4, 10, 0, 0));
    const emu = await createEmulator({ clock });
    const dsId = await createDataSource(emu.client(), emu.rootPageId, {
      Name: { title: {} },
    });
    emu.control.bulkCreatePages(dsId, [{ Name: { title: [{ text: { content: 'first row' } }] } }]);
    h = await createServeHarness(sqlite!, emu, [{ name: 'tasks', dataSource: dsId }], clock, {
      config: { server: { apiToken: API_TOKEN } },
    });
    const { url } = await h.service.run();
    return new URL('/mcp', url);
  }

  function connect(url: URL, token: string | null) {
    const client = new Client({ name: 'serve-mcp-test', version: '1.0.0' });
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    return client
      .connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }))
      .then(() => client);
  }

  it('refuses a client without the API token', async () => {
    const url = await start();
    await expect(connect(url, null)).rejects.toThrow(/401|Unauthorized|bearer/i);
    await expect(connect(url, 'wrong')).rejects.toThrow(/401|Unauthorized|bearer/i);
  });

  it('runs MCP sync through the runner and records it with trigger mcp', async () => {
    const url = await start();
    const client = await connect(url, API_TOKEN);
    const result = (await client.callTool({
      name: 'sync',
      arguments: { action: 'pull', source: 'tasks' },
    })) as CallToolResult;
    expect(result.isError ?? false).toBe(false);
    const summary = result.structuredContent as { ok: boolean; sources: { status: string }[] };
    expect(summary.ok).toBe(true);
    expect(summary.sources[0]?.status).toBe('ok');

    const source = await h!.testStore.store.sources.getByName('tasks');
    const runs = await h!.testStore.store.runs.list({ sourceId: source!.id, limit: 5 });
    expect(runs.map((r) => r.trigger)).toEqual(['mcp']);

    const rows = (await client.callTool({
      name: 'query',
      arguments: { source: 'tasks' },
    })) as CallToolResult;
    expect(JSON.stringify(rows.structuredContent)).toContain('first row');
    await client.close();
  });
});
