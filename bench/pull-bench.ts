// npm run bench:pull — for each size (default 10,000, 50,000 and 100,000 rows) an emulator
// child process serves a data source on a local port (rate limiting off); a child process
// pulls it with the engine into a SQLite file, another reads it with the raw floor
// (pull-floor.ts: the SDK's cursor loop + node:sqlite inserts). Prints both rows/s, their
// ratio, and the peak RSS of the engine's own process (the emulator lives elsewhere).
// Options: --sizes 10000,50000 (comma-separated), --per-minute N (rows sharing one created_time
// minute, default 100), --dist (the engine child loads the built package, dist/: run `npm run
// build` first), --young default (the engine child leaves V8's young generation growing, as
// without the CLI launcher's cap).
// `--in-process` runs the earlier in-process table instead: N rows (--rows, default 20,000)
// once with rate limiting off and once at Notion's 3 requests/s (the emulator enforces it with
// Retry-After; the client paces itself at 3/s): rows/s, query calls against the minimum
// ⌈N/100⌉, pacing utilization (requests/s achieved ÷ 3) and peak RSS (emulator included);
// --only off|3rps.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmulator } from '../src/emulator/index.ts';
import { createNotionClient } from '../src/notion/index.ts';
import { createStore } from '../src/store/index.ts';
import { createEngine } from '../src/sync/index.ts';
import { pullBenchSource } from './bench-pull.ts';
import { createBenchSource } from './bench-source.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    'per-minute': { type: 'string', default: '100' },
    only: { type: 'string' },
    sizes: { type: 'string', default: '10000,50000,100000' },
    'in-process': { type: 'boolean', default: false },
    dist: { type: 'boolean', default: false },
    young: { type: 'string' },
  },
});
const rows = Number(values.rows);
const perMinute = Number(values['per-minute']);

async function seed(rateLimited: boolean) {
  const emu = await createEmulator(
    rateLimited ? { rateLimit: { requestsPerSecond: 3, burst: 10 } } : {},
  );
  const dsId = await createBenchSource(emu, rows, perMinute);
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
  const { source, seconds } = await pullBenchSource(store, notion, dsId, createEngine);
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

interface ChildResult {
  rows: number;
  seconds: number;
  peakRssMiB: number;
  status?: string;
  calls?: number;
  cpuSeconds: number;
}

/** Runs a bench script in its own Node process; resolves with the JSON line it prints. */
function runChild(script: string, args: string[], keepStdin = false) {
  const child = spawn(process.execPath, [join(import.meta.dirname, script), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  if (!keepStdin) child.stdin.end();
  const line = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf('\n');
      if (end >= 0) resolve(out.slice(0, end));
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, line };
}

/** One measurement against a freshly seeded emulator process. */
async function measure(script: string, rows: number, extra: string[] = []): Promise<ChildResult> {
  const emulator = runChild(
    'pull-emulator-child.ts',
    ['--rows', String(rows), '--per-minute', String(perMinute)],
    true,
  );
  const served = JSON.parse(await emulator.line) as {
    baseUrl: string;
    token: string;
    dataSourceId: string;
  };
  try {
    const run = runChild(script, [served.baseUrl, served.token, served.dataSourceId, ...extra]);
    return JSON.parse(await run.line) as ChildResult;
  } finally {
    emulator.child.stdin.end();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

if (values['in-process']) {
  console.log(
    '| rate limit | rows | status, created | time | rows/s | query calls / minimum | all calls | 429s | pacing utilization | peak RSS |',
  );
  console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  if (values.only !== '3rps') await run('off');
  if (values.only !== 'off') await run('3rps');
} else {
  console.log(
    '| rows | engine: status, time | engine rows/s | floor time | floor rows/s | engine ÷ floor | CPU s engine / floor | engine calls | engine peak RSS | floor peak RSS |',
  );
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const engineFlags = [
    ...(values.dist ? ['--dist'] : []),
    ...(values.young ? ['--young', values.young] : []),
  ];
  for (const size of values.sizes.split(',').map(Number)) {
    const floor = await measure('pull-floor.ts', size);
    const engine = await measure('pull-engine-child.ts', size, engineFlags);
    console.log(
      `| ${fmt(size)} | ${engine.status} ${fmt(engine.rows)}, ${engine.seconds.toFixed(1)} s | ${fmt(engine.rows / engine.seconds)} | ` +
        `${floor.seconds.toFixed(1)} s | ${fmt(floor.rows / floor.seconds)} | ${(floor.seconds / engine.seconds).toFixed(2)} | ` +
        `${engine.cpuSeconds.toFixed(1)} / ${floor.cpuSeconds.toFixed(1)} | ` +
        `${engine.calls} | ${engine.peakRssMiB} MiB | ${floor.peakRssMiB} MiB |`,
    );
  }
  console.log(
    `\nReproduce: npm run bench:pull -- --sizes ${values.sizes} --per-minute ${perMinute} ${engineFlags.join(' ')}`.trimEnd(),
  );
}
