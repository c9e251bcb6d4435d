// npm run bench:restore — a bulk edit ruins N rows (default 300) of a source; `restore --as-of`
// puts them back through the in-process emulator at Notion's 3 requests/s (the emulator enforces
// it, the client paces itself). Prints changed pages, writes (PATCH/POST), reads, writes per
// changed page (target ≤ 1.05), duplicates (0), time; then janitor's version retention on the
// resulting store (keepVersions 1): versions pruned, batches, the longest batch transaction.
// Options: --rows N, --rps R (pacing of both sides, default 3).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmulator } from '../src/emulator/index.ts';
import { createDataSource } from '../src/emulator/test-support.ts';
import { createNotionClient } from '../src/notion/index.ts';
import { createManualClock } from '../src/shared/index.ts';
import { createStore } from '../src/store/index.ts';
import { createEngine } from '../src/sync/index.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '300' }, rps: { type: 'string', default: '3' } },
});
const rows = Number(values.rows);
const rps = Number(values.rps);

const clock = createManualClock(Date.UTC(2026, 7, 8, 10));
const emu = await createEmulator({ rateLimit: { requestsPerSecond: rps, burst: 10 } });
const dsId = await createDataSource(emu.client(), emu.rootPageId, {
  Name: { title: {} },
  Estimate: { number: {} },
  Tag: { select: { options: [{ name: 'a' }, { name: 'b' }] } },
});
const ids = emu.control.bulkCreatePages(
  dsId,
  Array.from({ length: rows }, (_, i) => ({
    Name: { title: [{ text: { content: `Row ${i}` } }] },
    Estimate: { number: i },
    Tag: { select: { name: 'a' } },
  })),
);
const dir = mkdtempSync(join(tmpdir(), 'restore-bench-'));
const store = await createStore({ url: join(dir, 'bench.db'), clock });
const notion = createNotionClient({
  token: emu.token,
  baseUrl: emu.baseUrl,
  fetch: emu.fetch,
  pacing: { requestsPerSecond: rps, burst: 5 },
});
const engine = createEngine({
  config: { sources: [{ name: 'bench', dataSource: dsId, retention: { keepVersions: 1 } }] },
  store,
  notion,
  clock,
});
await engine.pull(['bench']);
await clock.advance(60_000);
const before = new Date(clock.now()).toISOString();
await clock.advance(60_000);
for (const [i, id] of ids.entries())
  emu.control.editAsUser(id, { Estimate: { number: -i }, Tag: { select: { name: 'b' } } });
emu.control.clearRequestLog();
const started = performance.now();
const result = await engine.restore({ source: 'bench', asOf: before });
const seconds = (performance.now() - started) / 1000;
const log = emu.control.requestLog();
const writes = log.filter((e) => e.method !== 'GET' && !e.route?.endsWith('/query')).length;
const reads = log.length - writes;
const changed = result.plan.changes.length;
const live = await emu.client().dataSources.query({ data_source_id: dsId, page_size: 100 });
let count = live.results.length;
let cursor = live.has_more ? live.next_cursor : null;
while (cursor) {
  const next = await emu.client().dataSources.query({
    data_source_id: dsId,
    page_size: 100,
    start_cursor: cursor,
  });
  count += next.results.length;
  cursor = next.has_more ? next.next_cursor : null;
}
console.log(
  '| rows | pacing | changed pages | writes | reads | writes/changed page | duplicates | time |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
console.log(
  `| ${rows} | ${rps}/s | ${changed} | ${writes} | ${reads} | ${(writes / changed).toFixed(3)} | ${count - rows} | ${seconds.toFixed(1)} s |`,
);

let batches = 0;
let longestMs = 0;
let pruned = 0;
for (;;) {
  const t = performance.now();
  const n = await store.pruneVersions({ keepLatest: 1, limit: 500 });
  longestMs = Math.max(longestMs, performance.now() - t);
  if (n === 0) break;
  batches += 1;
  pruned += n;
}
console.log(
  '\n| versions pruned (keepVersions 1) | batches of ≤ 500 | longest batch transaction |',
);
console.log('|---:|---:|---:|');
console.log(`| ${pruned} | ${batches} | ${longestMs.toFixed(1)} ms |`);
console.log(`\nreproduce: npm run bench:restore -- --rows ${rows} --rps ${rps}`);
await store.close();
rmSync(dir, { recursive: true, force: true });
