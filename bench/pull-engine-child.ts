// A child process of `npm run bench:pull`: one full pull by the engine of the data source the
// emulator child serves, into a fresh SQLite file (WAL, synchronous=FULL), pacing off. Prints
// one JSON line: rows, seconds, status, calls and this process's peak RSS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNotionClient } from '../src/notion/index.ts';
import { createStore } from '../src/store/index.ts';
import { pullBenchSource } from './bench-source.ts';

const [baseUrl, token, dataSourceId] = process.argv.slice(2) as [string, string, string];
const dir = mkdtempSync(join(tmpdir(), 'pull-engine-'));
const store = await createStore({ url: join(dir, 'bench.db') });
const notion = createNotionClient({
  token,
  baseUrl,
  pacing: { requestsPerSecond: 100_000, burst: 100_000, maxInFlight: 8 },
});
const { source, seconds } = await pullBenchSource(store, notion, dataSourceId);
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    rows: source.counts.created,
    status: source.status,
    seconds,
    calls: Object.values(source.apiCalls).reduce((a, b) => a + b, 0),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  })}\n`,
);
