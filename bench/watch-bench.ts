// node bench/watch-bench.ts — how long `watch` takes from a saved file to the edit in Notion:
// a 100-row database kept as a folder target, the in-process emulator rate-limited like Notion
// (3 requests/s, burst 10) and the client pacing itself at 3/s; each round edits one file's
// frontmatter and times until the page carries the new value (the watch's sync has finished).
// The debounce is the default 500 ms. Prints the median and the worst of the rounds.
// Options: --rounds N (default 10).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmulator } from '../src/emulator/index.ts';
import { createDataSource } from '../src/emulator/test-support.ts';
import { createNotionClient } from '../src/notion/index.ts';
import { systemClock } from '../src/shared/index.ts';
import { createStore } from '../src/store/index.ts';
import { createEngine } from '../src/sync/index.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '10' } } });
const rounds = Number(values.rounds);
const emu = await createEmulator({ rateLimit: { requestsPerSecond: 3, burst: 10 } });
const dsId = await createDataSource(emu.client(), emu.rootPageId, {
  Name: { title: {} },
  Estimate: { number: {} },
});
emu.control.bulkCreatePages(
  dsId,
  Array.from({ length: 100 }, (_, i) => ({
    Name: { title: [{ text: { content: `Row ${i}` } }] },
    Estimate: { number: i },
  })),
);
const dir = mkdtempSync(join(tmpdir(), 'watch-bench-'));
const store = await createStore({ url: join(dir, 'bench.db') });
const notion = createNotionClient({
  token: emu.token,
  baseUrl: emu.baseUrl,
  fetch: emu.fetch,
  pacing: { requestsPerSecond: 3, burst: 5 },
});
const folder = join(dir, 'rows');
const engine = createEngine({
  config: { sources: [{ name: 'rows', dataSource: dsId, direction: 'both', target: { folder } }] },
  store,
  notion,
  clock: systemClock,
});
await engine.sync(['rows']);
let onSynced: () => void = () => {};
const watch = await engine.watch(['rows'], { onSync: () => onSynced() });
await watch.ready;
const files = readdirSync(folder).sort();
const times: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  const path = join(folder, files[round % files.length]!);
  const synced = new Promise<void>((resolve) => {
    onSynced = resolve;
  });
  const started = performance.now();
  writeFileSync(
    path,
    readFileSync(path, 'utf8').replace(/^Estimate: .*$/m, `Estimate: ${1000 + round}`),
  );
  await synced;
  times.push(performance.now() - started);
  // Let the echo of the export settle before the next save.
  await new Promise((resolve) => setTimeout(resolve, 1500));
}
await watch.close();
times.sort((a, b) => a - b);
console.log('| rows | rounds | debounce | save → in Notion, median | worst |');
console.log('|---:|---:|---:|---:|---:|');
console.log(
  `| 100 | ${rounds} | 500 ms | ${(times[Math.floor(rounds / 2)]! / 1000).toFixed(2)} s | ${(times.at(-1)! / 1000).toFixed(2)} s |`,
);
console.log(`\nReproduce: node bench/watch-bench.ts --rounds ${rounds}`);
await store.close();
rmSync(dir, { recursive: true, force: true });
