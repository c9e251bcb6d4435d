// The MCP server in-process over a pulled demo workspace, on every dialect: reads answer from
// the store with 0 Notion calls, get_page pieces reassemble a 200 KB page exactly, `sql` is
// refused for writes, chains, ATTACH and engine tables (store unchanged), staged edits stay out
// of the store and Notion until approved, `sync` records a run with trigger `mcp`, every call is
// audited and unknown names answer an error result with the closest match.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../config/index.ts';
import { createEmulator, type DemoWorkspace, type Emulator } from '../emulator/index.ts';
import { formatNotionId, hashValue } from '../shared/index.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import {
  createMcpHarness,
  dataOf,
  errorCodeOf,
  type McpHarness,
  pageTitle,
} from './test-support/mcp-harness.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-memory');

describe.each(factories)('MCP server on $name', (factory) => {
  let emu: Emulator;
  let demo: DemoWorkspace;
  let h: McpHarness;

  beforeAll(async () => {
    emu = await createEmulator({ seed: 'demo' });
    demo = emu.demo as DemoWorkspace;
    const sources: SourceConfig[] = [
      { name: 'tasks', database: demo.tasksDatabaseId, direction: 'both' },
      { name: 'projects', database: demo.projectsDatabaseId },
      { name: 'wiki', page: demo.wikiPageId, content: 'markdown' },
    ] as SourceConfig[];
    h = await createMcpHarness(factory, emu, sources, { limits: { sqlTimeoutMs: 2000 } });
  });
  afterAll(() => h?.close());

  const notionCalls = () => emu.control.requestLog().length;

  it('answers list_sources, query, search and get_page from the store with 0 Notion calls', async () => {
    emu.control.clearRequestLog();
    const before = notionCalls();
    const sources = dataOf<{ sources: { name: string; rows: { live: number } }[] }>(
      await h.call('list_sources'),
    );
    expect(sources.sources.map((s) => s.name)).toEqual(['tasks', 'projects', 'wiki']);
    expect(sources.sources[0]!.rows.live).toBe(demo.taskCount);

    const done = dataOf<{
      total: number;
      rows: Record<string, unknown>[];
      nextCursor: string | null;
    }>(
      await h.call('query', {
        source: 'tasks',
        filters: [{ property: 'Done', op: 'equals', value: true }],
        limit: 5,
        count: true,
      }),
    );
    expect(done.total).toBeGreaterThan(0);
    expect(done.rows.every((r) => r.Done === true)).toBe(true);
    expect(done.nextCursor).toBe('5');
    const next = dataOf<{ rows: Record<string, unknown>[] }>(
      await h.call('query', {
        source: 'tasks',
        filters: [{ property: 'Done', op: 'equals', value: true }],
        limit: 5,
        cursor: '5',
      }),
    );
    expect(next.rows[0]!._page_id).not.toBe(done.rows[0]!._page_id);

    const [first] = done.rows;
    const title = String(first!.Name);
    const word = title.split(/\s+/).find((w) => w.length > 3) ?? title;
    const hits = dataOf<{ results: { pageId: string; snippet: string; title: string }[] }>(
      await h.call('search', { query: word, source: 'tasks', limit: 50 }),
    );
    expect(hits.results.length).toBeGreaterThan(0);
    expect(hits.results.every((r) => r.title.toLowerCase().includes(word.toLowerCase()))).toBe(
      true,
    );

    const wikiHits = dataOf<{ results: { pageId: string; source: string; snippet: string }[] }>(
      await h.call('search', { query: 'the', source: 'wiki' }),
    );
    expect(wikiHits.results.length).toBeGreaterThan(0);
    expect(wikiHits.results[0]!.snippet).toContain('«');

    const page = dataOf<{ pageId: string; properties: Record<string, unknown>; content: string }>(
      await h.call('get_page', { page: wikiHits.results[0]!.pageId }),
    );
    expect(page.pageId).toBe(wikiHits.results[0]!.pageId);
    expect(page.content.length).toBeGreaterThan(0);
    expect(notionCalls()).toBe(before);
  });

  it('returns a 200 KB page in pieces within the budget that join to the whole page', async () => {
    const source = (
      await h.store.sources.upsert({
        name: 'big',
        kind: 'page',
        notionId: 'b'.repeat(32),
        schema: { properties: { title: { id: 'title', name: 'title', type: 'title' } } },
      })
    ).source;
    const unit = 'Ünïcode line with an emoji 🚀 and *Markdown* — ';
    const content = Array.from(
      { length: Math.ceil(200_000 / unit.length) },
      (_, i) => `${i} ${unit}\n`,
    ).join('');
    const pageId = formatNotionId('1234567890abcdef1234567890abcdef');
    const fields = { title: 'The big page' };
    await h.store.records.commitPullBatch({
      sourceId: source.id,
      rows: [
        {
          pageId,
          fields,
          content,
          hash: hashValue({ fields, content }),
          notionLastEditedTime: '2026-01-01T00:00:00.000Z',
          createdTime: '2026-01-01T00:00:00.000Z',
        },
      ],
    });
    const budget = 7_001;
    const pieces: string[] = [];
    let cursor: string | undefined;
    do {
      const piece = dataOf<{ content: string; nextCursor: string | null; totalChars: number }>(
        await h.call('get_page', { page: pageId, budget, ...(cursor ? { cursor } : {}) }),
      );
      expect(piece.content.length).toBeLessThanOrEqual(budget);
      expect(piece.totalChars).toBe(content.length);
      pieces.push(piece.content);
      cursor = piece.nextCursor ?? undefined;
    } while (cursor);
    expect(pieces.length).toBeGreaterThan(20);
    expect(pieces.join('')).toBe(content);
  });

  it('refuses sql that writes, chains statements, attaches or reads engine tables; the store is unchanged', async () => {
    const count = async () => {
      const tasks = dataOf<{ total: number }>(
        await h.call('query', { source: 'tasks', limit: 1, count: true }),
      );
      return tasks.total;
    };
    const before = await count();
    const outboxBefore = (await h.store.outbox.list({})).length;
    const ok = dataOf<{ rows: { n: number }[] }>(
      await h.call('query', { sql: 'select count(*) as n from tasks' }),
    );
    expect(Number(ok.rows[0]!.n)).toBe(before);
    const joined = dataOf<{ rows: unknown[]; truncated: boolean }>(
      await h.call('query', {
        sql: 'select t."_page_id", p."_page_id" as p from tasks t cross join projects p',
        limit: 10,
      }),
    );
    expect(joined.rows).toHaveLength(10);
    expect(joined.truncated).toBe(true);

    const table = factory.dialect === 'sqlite' ? 'ns_outbox' : 'outbox';
    const refused = [
      'delete from tasks',
      'select 1; delete from tasks',
      "attach database '/tmp/x.db' as x",
      `select * from ${table}`,
      `select * from ${factory.dialect === 'sqlite' ? 'ns_connections' : 'connections'}`,
      factory.dialect === 'sqlite' ? 'select * from sqlite_master' : 'select * from pg_authid',
      factory.dialect === 'sqlite'
        ? "select * from pragma_table_info('ns_outbox')"
        : 'select * from pg_shadow',
      `with o as (select * from ${table}) select * from o`,
    ];
    for (const sql of refused) {
      const result = await h.call('query', { sql });
      expect(errorCodeOf(result), sql).toBe('sql_refused');
    }
    // A statement over the views that never ends is stopped by the time limit.
    const endless = await h.call('query', {
      sql: 'with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r, tasks',
    });
    expect(
      (endless.structuredContent as { error: { details: { timeoutMs?: number } } }).error.details
        .timeoutMs,
    ).toBe(2000);
    const cte = dataOf<{ rows: { n: number }[] }>(
      await h.call('query', {
        sql: 'with done as (select * from tasks where "done") select count(*) as n from done',
      }),
    );
    expect(Number(cte.rows[0]!.n)).toBeGreaterThan(0);
    // The database itself refuses what the text check lets through, a role switch included.
    if (factory.dialect === 'postgres') {
      const escalate = await h.call('query', {
        sql: "select set_config('role', session_user, true) as a, query_to_xml('select count(*) from outbox', true, false, '') as b from tasks",
      });
      expect(errorCodeOf(escalate)).toBe('sql_refused');
    }
    const sneaky = await h.call('query', {
      sql: `select (select count(*) from ${table}) as n from tasks`,
    });
    expect(errorCodeOf(sneaky)).toBe('sql_refused');
    expect(await count()).toBe(before);
    expect((await h.store.outbox.list({})).length).toBe(outboxBefore);
  });

  it('keeps staged edits out of the store and Notion until approved; a rejected one never arrives', async () => {
    const rows = dataOf<{ rows: Record<string, unknown>[] }>(
      await h.call('query', { source: 'tasks', sort: [{ property: 'Name' }], limit: 2 }),
    ).rows;
    const [a, b] = rows.map((r) => String(r._page_id));
    const staged = dataOf<{ staged: { id: number; state: string } }>(
      await h.call('stage_edit', {
        source: 'tasks',
        row: a,
        values: { Name: 'Renamed by an agent' },
        note: 'clearer',
      }),
    ).staged;
    expect(staged.state).toBe('pending');
    const rejectedLater = dataOf<{ staged: { id: number } }>(
      await h.call('stage_edit', { source: 'tasks', row: b, values: { Name: 'Never' } }),
    ).staged;
    expect(
      errorCodeOf(await h.call('stage_edit', { source: 'tasks', row: a, values: { Nmae: 'x' } })),
    ).toBe('value_invalid');
    // Not approved: not a version, not in the view, no outbox row, not in Notion after a push.
    expect((await h.store.outbox.list({ state: 'pending' })).length).toBe(0);
    const hit = dataOf<{ total: number }>(
      await h.call('query', {
        source: 'tasks',
        filters: [{ property: 'Name', op: 'equals', value: 'Renamed by an agent' }],
        count: true,
      }),
    );
    expect(hit.total).toBe(0);
    expect(errorCodeOf(await h.call('approve_staged', { id: staged.id }))).not.toBeNull();
    await h.engine.push(['tasks']);
    const titleOf = async (id: string) =>
      pageTitle(await emu.client().pages.retrieve({ page_id: id }));
    expect(await titleOf(a!)).not.toBe('Renamed by an agent');

    const { createStagedEdits } = await import('../sync/index.ts');
    const api = createStagedEdits({
      store: h.store,
      sources: [
        { name: 'tasks', database: demo.tasksDatabaseId, direction: 'both' },
      ] as SourceConfig[],
      records: h.engine.records,
    });
    await api.reject(rejectedLater.id, 'test');
    const oldTitle = await titleOf(a!);
    await api.approve(staged.id, 'test');
    const history = dataOf<{
      versions: {
        origin: string;
        storedAt: string;
        changes: { property: string; before: unknown; after: unknown }[];
      }[];
    }>(await h.call('history', { page: a }));
    expect(history.versions.at(-1)).toMatchObject({
      origin: 'local',
      changes: [{ property: 'Name', before: oldTitle, after: 'Renamed by an agent' }],
    });
    const then = dataOf<{ properties: Record<string, unknown> }>(
      await h.call('get_page', { page: a, asOf: history.versions.at(-2)!.storedAt }),
    );
    expect(then.properties.Name).toBe(oldTitle);
    const now = dataOf<{ properties: Record<string, unknown> }>(
      await h.call('get_page', { page: a }),
    );
    expect(now.properties.Name).toBe('Renamed by an agent');
    await expect(api.approve(staged.id, 'test')).rejects.toMatchObject({
      code: 'store_invalid_state',
    });
    emu.control.clearRequestLog();
    const pushed = await h.engine.push(['tasks']);
    expect(pushed.ok).toBe(true);
    expect(await titleOf(a!)).toBe('Renamed by an agent');
    expect(await titleOf(b!)).not.toBe('Never');
    const writes = emu.control.requestLog().filter((e) => e.method === 'PATCH');
    expect(writes).toHaveLength(1);
  });

  it('records a run with trigger mcp for sync, audits every call, and shows MCP activity in status', async () => {
    const progress: { progress: number; message?: string | undefined }[] = [];
    const result = await h.client.callTool(
      { name: 'sync', arguments: { action: 'pull', source: 'projects' } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    );
    expect(dataOf<{ ok: boolean }>(result as CallToolResult).ok).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.message).toMatch(/^projects: /);
    const [run] = await h.store.runs.list({
      sourceId: (await h.store.sources.getByName('projects'))!.id,
      limit: 1,
    });
    expect(run).toMatchObject({ trigger: 'mcp', kind: 'pull', status: 'ok' });

    const unknown = await h.call('query', { source: 'taks' });
    expect(errorCodeOf(unknown)).toBe('source_not_found');
    expect(
      (unknown.structuredContent as { error: { details: { closest: string } } }).error.details
        .closest,
    ).toBe('tasks');
    expect(
      errorCodeOf(await h.call('get_page', { page: 'ffffffffffffffffffffffffffffffff' })),
    ).toBe('store_not_found');
    expect(
      errorCodeOf(
        await h.call('stage_create', { source: 'tasks', values: { Name: 'x'.repeat(70_000) } }),
      ),
    ).toBe('input_too_large');

    const calls = await h.store.mcpCalls.list({ limit: 200 });
    expect(calls.map((c) => c.tool)).toContain('sync');
    const query = calls.find((c) => c.tool === 'query' && c.errorCode === 'source_not_found');
    expect(query?.args).toEqual({ source: 'taks' });
    expect(query!.resultBytes).toBeGreaterThan(0);
    const status = dataOf<{
      mcpActivityLast24h: { calls: number; byTool: Record<string, number> };
    }>(await h.call('status'));
    expect(status.mcpActivityLast24h.byTool.sync).toBe(1);
    expect(status.mcpActivityLast24h.calls).toBeGreaterThan(5);
  });

  it('lists and reads sources and pages as resources', async () => {
    const templates = await h.client.listResources();
    const source = templates.resources.find((r) => r.uri === 'notion-sync://source/tasks');
    expect(source).toBeDefined();
    const read = await h.client.readResource({ uri: 'notion-sync://source/tasks' });
    const body = JSON.parse((read.contents[0] as { text: string }).text) as {
      rows: { live: number };
    };
    expect(body.rows.live).toBe(demo.taskCount);
    const page = templates.resources.find((r) => r.uri.startsWith('notion-sync://page/'));
    const markdown = await h.client.readResource({ uri: page!.uri });
    expect((markdown.contents[0] as { text: string }).text).toMatch(/^# /);
  });
});
