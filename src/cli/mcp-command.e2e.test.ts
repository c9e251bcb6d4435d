// `notion-sync mcp` as an MCP client starts it: a child process speaking MCP on stdio, driven by
// the SDK's own Client, over a store pulled from a standalone emulator on a socket. Reads make 0
// Notion calls (the emulator's request log); a staged edit reaches Notion only after
// `notion-sync staged approve` and a push; a rejected one never; `sync` through MCP records a
// run with trigger `mcp`; approve_staged exists only with --allow-agent-approve.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmulator,
  type DemoWorkspace,
  type Emulator,
  type RunningServer,
} from '../emulator/index.ts';
import { dataOf, pageTitle } from '../mcp/test-support/mcp-harness.ts';
import { runCliCaptured } from './test-support.ts';

const BIN = fileURLToPath(new URL('../../bin/notion-sync.js', import.meta.url));

describe('notion-sync mcp over stdio', () => {
  let emu: Emulator;
  let server: RunningServer;
  let demo: DemoWorkspace;
  let cwd: string;
  let env: Record<string, string>;
  const cli = (argv: string[]) => runCliCaptured(argv, { cwd, env });

  async function connect(flags: string[] = []): Promise<Client> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp', ...flags],
      cwd,
      env: { ...env, PATH: process.env.PATH ?? '' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(transport);
    return client;
  }

  const call = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;

  const titleOf = async (id: string) =>
    pageTitle(await emu.client().pages.retrieve({ page_id: id }));

  beforeAll(async () => {
    emu = await createEmulator({ seed: 'demo' });
    demo = emu.demo as DemoWorkspace;
    server = await emu.listen({ port: 0 });
    cwd = mkdtempSync(join(tmpdir(), 'ns-mcp-e2e-'));
    writeFileSync(
      join(cwd, 'notion-sync.config.yaml'),
      [
        `store: ${join(cwd, 'notion-sync.db')}`,
        'sources:',
        `  - { name: tasks, database: ${demo.tasksDatabaseId}, direction: both }`,
        `  - { name: projects, database: ${demo.projectsDatabaseId} }`,
        `  - { name: wiki, page: ${demo.wikiPageId}, content: markdown }`,
        '',
      ].join('\n'),
    );
    env = {
      NOTION_TOKEN: emu.token,
      NOTION_BASE_URL: server.baseUrl,
      NOTION_SYNC_RPS: '1000',
      NOTION_SYNC_BURST: '1000',
    };
    expect((await cli(['pull'])).status).toBe(0);
  });
  afterAll(() => server.close());

  it('reads from the store with 0 Notion calls; staged edits wait for `staged approve`', async () => {
    const client = await connect();
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toEqual(
        expect.arrayContaining([
          'list_sources',
          'status',
          'sync',
          'query',
          'search',
          'get_page',
          'history',
          'stage_edit',
          'stage_create',
          'stage_delete',
          'conflicts',
          'resolve_conflict',
        ]),
      );
      expect(tools).not.toContain('approve_staged');
      emu.control.clearRequestLog();

      const sources = dataOf<{ sources: { name: string }[] }>(await call(client, 'list_sources'));
      expect(sources.sources.map((s) => s.name)).toEqual(['tasks', 'projects', 'wiki']);
      const rows = dataOf<{ rows: Record<string, unknown>[] }>(
        await call(client, 'query', { source: 'tasks', sort: [{ property: 'Name' }], limit: 2 }),
      ).rows;
      const [a, b] = rows.map((r) => String(r._page_id)) as [string, string];
      const hits = dataOf<{ results: { pageId: string }[] }>(
        await call(client, 'search', { query: 'the' }),
      );
      expect(hits.results.length).toBeGreaterThan(0);
      const page = dataOf<{ pageId: string }>(
        await call(client, 'get_page', { page: hits.results[0]!.pageId }),
      );
      expect(page.pageId).toBe(hits.results[0]!.pageId);
      const history = dataOf<{ versions: unknown[] }>(await call(client, 'history', { page: a }));
      expect(history.versions.length).toBeGreaterThan(0);

      const staged = dataOf<{ staged: { id: number } }>(
        await call(client, 'stage_edit', {
          source: 'tasks',
          row: a,
          values: { Name: 'Agent title' },
        }),
      ).staged;
      const other = dataOf<{ staged: { id: number } }>(
        await call(client, 'stage_edit', {
          source: 'tasks',
          row: b,
          values: { Name: 'Rejected title' },
        }),
      ).staged;
      expect(emu.control.requestLog()).toHaveLength(0);

      const listed = JSON.parse((await cli(['staged', 'list', '--json'])).stdout) as {
        staged: { id: number }[];
      };
      expect(listed.staged.map((s) => s.id)).toEqual([staged.id, other.id]);
      expect((await cli(['push'])).status).toBe(0);
      expect(await titleOf(a)).not.toBe('Agent title');

      expect((await cli(['staged', 'approve', String(staged.id)])).status).toBe(0);
      expect((await cli(['staged', 'reject', String(other.id)])).status).toBe(0);
      const again = await cli(['staged', 'approve', String(other.id), '--json']);
      expect(again.status).toBe(1);
      expect(JSON.parse(again.stdout).error.code).toBe('store_invalid_state');
      emu.control.clearRequestLog();
      expect((await cli(['push'])).status).toBe(0);
      expect(emu.control.requestLog().filter((e) => e.method === 'PATCH')).toHaveLength(1);
      expect(await titleOf(a)).toBe('Agent title');
      expect(await titleOf(b)).not.toBe('Rejected title');
    } finally {
      await client.close();
    }
  });

  it('records a sync started through MCP with trigger mcp; status shows MCP activity', async () => {
    const client = await connect(['--allow-agent-approve']);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('approve_staged');
      const summary = dataOf<{ ok: boolean }>(
        await call(client, 'sync', { action: 'pull', source: 'projects' }),
      );
      expect(summary.ok).toBe(true);
    } finally {
      await client.close();
    }
    const runs = JSON.parse((await cli(['runs', '--json'])).stdout) as {
      runs: { trigger: string; source: string }[];
    };
    expect(runs.runs[0]).toMatchObject({ trigger: 'mcp', source: 'projects' });
    const status = await cli(['status']);
    expect(status.stdout).toMatch(/MCP\n {2}last 24 h: +\d+ tool calls/);
    expect(status.stdout).toContain('sync 1');
  });
});
