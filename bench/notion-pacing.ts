// Pacing figures of one Notion connection against the emulator, on a manual clock shared by both
// (no real waiting). Run: node bench/notion-pacing.ts [requests=300] [rps=3] [burst=10]
import { createEmulator } from '../src/emulator/index.ts';
import { createNotionClient, type RequestRecord } from '../src/notion/index.ts';
import { createManualClock } from '../src/shared/index.ts';

const [requests = 300, rps = 3, burst = 10] = process.argv.slice(2).map(Number);
const clock = createManualClock();
const emulator = await createEmulator({ clock, rateLimit: { requestsPerSecond: rps, burst } });
const client = createNotionClient({
  token: emulator.token,
  baseUrl: emulator.baseUrl,
  fetch: emulator.fetch,
  clock,
  pacing: { requestsPerSecond: rps, burst, maxInFlight: 3 },
});
const records: RequestRecord[] = [];
client.onRequest((r) => records.push(r));
let done = false;
const started = performance.now();
const work = Promise.all(
  Array.from({ length: requests }, () => client.pages.retrieve({ page_id: emulator.rootPageId })),
).finally(() => {
  done = true;
});
while (!done) {
  await new Promise((resolve) => setImmediate(resolve));
  await clock.advance(10);
}
await work;
const starts = records.map((r) => r.startedAt).sort((a, b) => a - b);
const spanS = ((starts.at(-1) ?? 0) - (starts[0] ?? 0)) / 1000;
const stats = client.stats();
console.log(`requests sent        ${stats.calls} (${stats.rateLimited} answered 429)`);
console.log(
  `simulated span       ${spanS.toFixed(2)} s (ideal ${((requests - burst) / rps).toFixed(2)} s)`,
);
console.log(`budget utilization   ${((100 * requests) / (burst + rps * spanS)).toFixed(2)} %`);
console.log(`pacing wait (sum)    ${(stats.pacingWaitMs / 1000).toFixed(1)} s`);
console.log(`wall time            ${(performance.now() - started).toFixed(0)} ms`);
