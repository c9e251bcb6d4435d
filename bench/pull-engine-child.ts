// A child process of `npm run bench:pull`: one full pull by the engine of the data source the
// emulator child serves, into a fresh SQLite file (WAL, synchronous=FULL), pacing off. Prints
// one JSON line: rows, seconds, status, calls, CPU seconds and this process's peak RSS.
// Run as the CLI runs: the launcher's young-generation cap is armed once the modules are loaded
// (`--young default` leaves V8's default growth); `--dist` loads the built package (dist/, what
// an installed notion-sync runs) instead of the TypeScript sources.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { capYoungGeneration } from '../bin/young-generation.js';
import type { createNotionClient as CreateNotionClient } from '../src/notion/index.ts';
import type { createStore as CreateStore } from '../src/store/index.ts';
import type { createEngine as CreateEngine } from '../src/sync/index.ts';
import { pullBenchSource } from './bench-pull.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dist: { type: 'boolean', default: false }, young: { type: 'string' } },
});
const [baseUrl, token, dataSourceId] = positionals as [string, string, string];
const load = async <T>(module: string, name: string): Promise<T> =>
  (await import(values.dist ? `../dist/${module}.js` : `../src/${module}.ts`))[name] as T;
const createNotionClient = await load<typeof CreateNotionClient>(
  'notion/index',
  'createNotionClient',
);
const createStore = await load<typeof CreateStore>('store/index', 'createStore');
const createEngine = await load<typeof CreateEngine>('sync/index', 'createEngine');
if (values.young !== 'default') capYoungGeneration();

const dir = mkdtempSync(join(tmpdir(), 'pull-engine-'));
const store = await createStore({ url: join(dir, 'bench.db') });
const notion = createNotionClient({
  token,
  baseUrl,
  pacing: { requestsPerSecond: 100_000, burst: 100_000, maxInFlight: 8 },
});
const { source, seconds } = await pullBenchSource(store, notion, dataSourceId, createEngine);
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
