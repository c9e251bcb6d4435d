// npm run bench:push — 1,000 local updates (default) pushed to the in-process emulator at
// Notion's 3 requests/s: the emulator enforces 3/s (burst 10, Retry-After on 429) and the client
// paces itself at 3/s (burst 5). The rows were created an hour before the pull (the engine and
// the emulator share a clock shifted by that hour), as rows a team edits usually were. Prints
// time, API calls (one freshness query per batch, re-run every minute, then one write per
// update), 429s received, and pacing utilization (requests/s achieved ÷ 3).
// Options: --updates N, --rps R (pacing of both sides, default 3).
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
  options: { updates: { type: 'string', default: '1000' }, rps: { type: 'string', default: '3' } },
});
const updates = Number(values.updates);
const rps = Number(values.rps);

const emu = await createEmulator({ rateLimit: { requestsPerSecond: rps, burst: 10 } });
const dsId = await createDataSource(emu.client(), emu.rootPageId, {
  Name: { title: {} },
  Estimate: { number: {} },
});
const ids = emu.control.bulkCreatePages(
  dsId,
  Array.from({ length: updates }, (_, i) => ({
    Name: { title: [{ text: { content: `Row ${i}` } }] },
    Estimate: { number: i },
  })),
);
// The rows were last edited an hour before the pull and the push.
const HOUR_MS = 3_600_000;
emu.control.clock.advance(HOUR_MS);
const clock = {
  now: () => Date.now() + HOUR_MS,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
const dir = mkdtempSync(join(tmpdir(), 'push-bench-'));
const store = await createStore({ url: join(dir, 'bench.db'), clock });
const notion = createNotionClient({
  token: emu.token,
  baseUrl: emu.baseUrl,
  fetch: emu.fetch,
  pacing: { requestsPerSecond: rps, burst: 5 },
});
const engine = createEngine({
  config: { sources: [{ name: 'bench', dataSource: dsId, direction: 'both' }] },
  store,
  notion,
  clock,
});
await engine.pull(['bench']);
for (const [i, id] of ids.entries()) await engine.records.update('bench', id, { Estimate: i + 1 });
emu.control.clearRequestLog();
const started = performance.now();
const result = await engine.push(['bench']);
const seconds = (performance.now() - started) / 1000;
const log = emu.control.requestLog();
const throttled = log.filter((e) => e.status === 429).length;
const source = result.sources[0]!;
console.log(
  '| updates | pacing | status | updated | time | API calls | calls/update | 429s | pacing utilization |',
);
console.log('|---:|---:|---|---:|---:|---:|---:|---:|---:|');
console.log(
  `| ${updates.toLocaleString('en-US')} | ${rps} req/s | ${source.status} | ${source.counts.updated.toLocaleString('en-US')} | ${seconds.toFixed(1)} s | ` +
    `${log.length.toLocaleString('en-US')} | ${(log.length / updates).toFixed(2)} | ${throttled} | ${((log.length / seconds / rps) * 100).toFixed(0)} % |`,
);
console.log(`\nReproduce: npm run bench:push -- --updates ${updates} --rps ${rps}`);
await store.close();
rmSync(dir, { recursive: true, force: true });
