// node bench/mcp-bench.ts — latency of the MCP server's reads (query, search, get_page, query
// with sql) over a pulled 20,000-row SQLite store, through the SDK's MCP Client (in-process
// transport), against the same reads made live from the emulator through @notionhq/client paced
// at Notion's 3 requests/s (burst 1: the sustained rate an agent reading all day gets).
// Options: --rows N (default 20,000), --iterations N (default 30 per MCP read, 9 per Notion read).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createEmulator } from '../src/emulator/index.ts';
import { createDataSource } from '../src/emulator/test-support.ts';
import { createEngineRunJob, createMcpServer } from '../src/mcp/index.ts';
import { createNotionClient } from '../src/notion/index.ts';
import { createStore } from '../src/store/index.ts';
import { createEngine } from '../src/sync/index.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    iterations: { type: 'string', default: '30' },
  },
});
const rows = Number(values.rows);
const iterations = Number(values.iterations);

async function seed() {
  const emu = await createEmulator();
  const dsId = await createDataSource(emu.client(), emu.rootPageId, {
    Name: { title: {} },
    Status: { select: { options: [{ name: 'Todo' }, { name: 'Done' }] } },
    Estimate: { number: {} },
  });
  for (let start = 0; start < rows; start += 100) {
    emu.control.bulkCreatePages(
      dsId,
      Array.from({ length: Math.min(100, rows - start) }, (_, i) => ({
        Name: {
          title: [{ text: { content: `Row ${start + i} ${WORDS[(start + i) % WORDS.length]}` } }],
        },
        Status: { select: { name: (start + i) % 3 === 0 ? 'Done' : 'Todo' } },
        Estimate: { number: (start + i) % 13 },
      })),
    );
    emu.control.clock.advance(60_000);
  }
  return { emu, dsId };
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india'];

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return `${at(0.5).toFixed(1)} ms | ${at(0.95).toFixed(1)} ms`;
}

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

const { emu, dsId } = await seed();
const dir = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
const store = await createStore({ url: join(dir, 'bench.db') });
const fast = createNotionClient({
  token: emu.token,
  baseUrl: emu.baseUrl,
  fetch: emu.fetch,
  pacing: { requestsPerSecond: 100_000, burst: 100_000, maxInFlight: 8 },
});
const sources = [{ name: 'bench', dataSource: dsId }];
const engine = createEngine({ config: { sources }, store, notion: fast });
const pulled = await engine.pull(['bench']);
if (!pulled.ok) throw new Error('pull failed');
const pageIds = await store.records.listPageIds((await store.sources.getByName('bench'))!.id);

const server = createMcpServer({ engine, store, sources, runJob: createEngineRunJob(engine) });
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(serverSide);
const client = new Client({ name: 'bench', version: '1.0.0' });
await client.connect(clientSide);
const call = async (name: string, args: Record<string, unknown>) => {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(JSON.stringify(result.content));
  return result;
};
emu.control.clearRequestLog();

const mcp = {
  query: await time(iterations, (i) =>
    call('query', {
      source: 'bench',
      filters: [
        { property: 'Status', op: 'equals', value: 'Done' },
        { property: 'Estimate', op: 'gte', value: i % 10 },
      ],
      limit: 50,
    }),
  ),
  search: await time(iterations, (i) =>
    call('search', { query: `${WORDS[i % WORDS.length]} ${1000 + i}`, limit: 10 }),
  ),
  get_page: await time(iterations, (i) =>
    call('get_page', { page: pageIds[(i * 613) % pageIds.length]! }),
  ),
  sql: await time(iterations, () =>
    call('query', {
      sql: 'select status, count(*) as n, avg(estimate) as e from bench group by status',
    }),
  ),
};
const mcpNotionCalls = emu.control.requestLog().length;

const paced = createNotionClient({
  token: emu.token,
  baseUrl: emu.baseUrl,
  fetch: emu.fetch,
  pacing: { requestsPerSecond: 3, burst: 1 },
});
const n = Math.max(3, Math.round(iterations / 3));
const notion = {
  query: await time(n, (i) =>
    paced.dataSources.query({
      data_source_id: dsId,
      page_size: 50,
      filter: {
        and: [
          { property: 'Status', select: { equals: 'Done' } },
          { property: 'Estimate', number: { greater_than_or_equal_to: i % 10 } },
        ],
      },
    }),
  ),
  search: await time(n, (i) =>
    paced.search({ query: `${WORDS[i % WORDS.length]} ${1000 + i}`, page_size: 10 }),
  ),
  get_page: await time(n, async (i) => {
    const id = pageIds[(i * 613) % pageIds.length]!;
    await paced.pages.retrieve({ page_id: id });
    await paced.pages.retrieveMarkdown({ page_id: id });
  }),
};

console.log(`${rows.toLocaleString('en-US')} rows; MCP reads made ${mcpNotionCalls} Notion calls.`);
console.log(
  '| read | MCP over the store: p50 | p95 | live from Notion (emulator, SDK at 3 req/s): p50 | p95 |',
);
console.log('|---|---:|---:|---:|---:|');
for (const read of ['query', 'search', 'get_page', 'sql'] as const) {
  const live = read === 'sql' ? '— | —' : percentiles(notion[read]);
  console.log(`| ${read} | ${percentiles(mcp[read])} | ${live} |`);
}
await client.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
