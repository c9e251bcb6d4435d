// npm run bench:pull — pulls N rows (default 20,000) from the in-process emulator into a SQLite
// file, once with rate limiting off and once at Notion's 3 requests/s (the emulator enforces it
// with Retry-After; the client paces itself at 3/s), and prints rows/s, query calls against the
// minimum ⌈N/100⌉, pacing utilization (requests/s achieved ÷ 3) and peak RSS.
// Options: --rows N, --per-minute N (rows sharing one created_time minute, default 100; a window
// split re-reads its boundary minute), --only off|3rps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmulator } from '../src/emulator/index.ts';
import { createDataSource } from '../src/emulator/test-support.ts';
import { createNotionClient } from '../src/notion/index.ts';
import { createStore } from '../src/store/index.ts';
import { createEngine } from '../src/sync/index.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    'per-minute': { type: 'string', default: '100' },
    only: { type: 'string' },
  },
});
const rows = Number(values.rows);
const perMinute = Number(values['per-minute']);

async function seed(rateLimited: boolean) {
  const emu = await createEmulator(
    rateLimited ? { rateLimit: { requestsPerSecond: 3, burst: 10 } } : {},
  );
  const dsId = await createDataSource(emu.client(), emu.rootPageId, {
    Name: { title: {} },
    Status: { select: { options: [{ name: 'Todo' }, { name: 'Done' }] } },
    Estimate: { number: {} },
    Tags: { multi_select: { options: [{ name: 'a' }, { name: 'b' }] } },
  });
  const batch = perMinute;
  for (let start = 0; start < rows; start += batch) {
    const size = Math.min(batch, rows - start);
    emu.control.bulkCreatePages(
      dsId,
      Array.from({ length: size }, (_, i) => ({
        Name: { title: [{ text: { content: `Row ${start + i}` } }] },
        Status: { select: { name: (start + i) % 3 === 0 ? 'Done' : 'Todo' } },
        Estimate: { number: (start + i) % 13 },
        Tags: { multi_select: [{ name: 'a' }] },
      })),
    );
    // Spread created_time the way real data has it (the 10,000-row windows split by minute).
    emu.control.clock.advance(60_000);
  }
  emu.control.clock.advance(10 * 60_000);
  emu.control.clearRequestLog();
  return { emu, dsId };
}

async function run(label: 'off' | '3rps'): Promise<void> {
  const { emu, dsId } = await seed(label === '3rps');
  const dir = mkdtempSync(join(tmpdir(), 'pull-bench-'));
  const store = await createStore({ url: join(dir, 'bench.db') });
  const notion = createNotionClient({
    token: emu.token,
    baseUrl: emu.baseUrl,
    fetch: emu.fetch,
    pacing:
      label === '3rps'
        ? { requestsPerSecond: 3, burst: 5 }
        : { requestsPerSecond: 100_000, burst: 100_000, maxInFlight: 8 },
  });
  const engine = createEngine({
    config: { sources: [{ name: 'bench', dataSource: dsId }] },
    store,
    notion,
  });
  const started = performance.now();
  const result = await engine.pull(['bench']);
  const seconds = (performance.now() - started) / 1000;
  const source = result.sources[0]!;
  const log = emu.control.requestLog();
  const queries = log.filter((e) => e.method === 'POST' && e.path.endsWith('/query')).length;
  const throttled = log.filter((e) => e.status === 429).length;
  const utilization = label === '3rps' ? `${((log.length / seconds / 3) * 100).toFixed(0)} %` : '—';
  console.log(
    `| ${label === 'off' ? 'off' : '3 req/s'} | ${rows.toLocaleString('en-US')} | ${source.status} ${source.counts.created.toLocaleString('en-US')} | ${seconds.toFixed(1)} s | ` +
      `${Math.round(rows / seconds).toLocaleString('en-US')} | ${queries} / ${Math.ceil(rows / 100)} | ${log.length} | ${throttled} | ${utilization} | ` +
      `${Math.round(process.resourceUsage().maxRSS / 1024)} MiB |`,
  );
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  '| rate limit | rows | status, created | time | rows/s | query calls / minimum | all calls | 429s | pacing utilization | peak RSS |',
);
console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
if (values.only !== '3rps') await run('off');
if (values.only !== 'off') await run('3rps');
