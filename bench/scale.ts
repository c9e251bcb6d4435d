// npm run bench:scale — the distributed runner's scale bench (issue 17). W emulated workspaces
// (default 8), each its own integration limited to 3 requests/s by the emulator, behind one port;
// an embedded PostgreSQL store; worker processes with concurrency 1 spending the shared rate
// budget (`notion.rateBudget: shared`). Three parts:
//   scale      one pull job per workspace (--rows rows each) with 1, 2 and 4 worker processes:
//              rows/s, calls/s, 429s, per-workspace budget use, and the ratio to linear 1 → 4;
//   one-ws     4 workers pulling 4 sources of ONE workspace: 429s with the shared budget, and
//              with per-process pacing (`rateBudget: local`) for comparison;
//   latency    a backfill (--backfill-rows, default 20,000) running on a workspace while this
//              process pushes one edit to another source of it, as the console or MCP would
//              (interactive lane), then as bulk work would (trigger `schedule`), and (driver
//              worker) queued as `serve` queues a console push, for the worker's interactive
//              slot while its bulk slot runs the backfill: latency of each.
// Options: --workspaces 8 --rows 2400 --workers 1,2,4 --backfill-rows 20000 --edits 5
//          --only scale|one-ws|latency --driver self|worker
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { readConfig } from '../src/config/index.ts';
import { createStore } from '../src/store/index.ts';
import { startEmbeddedPostgres } from '../src/store/test-support/embedded-postgres.ts';
import { createEngine } from '../src/sync/index.ts';
import { type BenchEmulators, startBenchEmulators } from './scale-emulators.ts';
import { startPool } from './scale-pool.ts';

const { values } = parseArgs({
  options: {
    workspaces: { type: 'string', default: '8' },
    rows: { type: 'string', default: '2400' },
    workers: { type: 'string', default: '1,2,4' },
    'backfill-rows': { type: 'string', default: '20000' },
    edits: { type: 'string', default: '5' },
    only: { type: 'string' },
    driver: { type: 'string', default: 'worker' },
  },
});
const W = Number(values.workspaces);
const ROWS = Number(values.rows);
const BACKFILL = Number(values['backfill-rows']);
const EDITS = Number(values.edits);
const driver = values.driver === 'self' ? 'self' : 'worker';
const RPS = 3;

interface SourceSpec {
  name: string;
  ws: number;
  dataSource: string;
  direction?: 'both';
}

const pgServer = process.env.BENCH_DATABASE_URL
  ? { url: process.env.BENCH_DATABASE_URL, stop: async () => {} }
  : await startEmbeddedPostgres();
const dir = mkdtempSync(join(tmpdir(), 'scale-bench-'));
console.error(`seeding ${W} workspaces…`);
const emus = await startBenchEmulators(W, (i) =>
  i === 0
    ? {
        rows: ROWS,
        a: ROWS,
        b: ROWS,
        c: ROWS,
        d: ROWS,
        backfill: BACKFILL,
        edit: 10,
      }
    : { rows: ROWS },
);
const env: Record<string, string> = Object.fromEntries(
  emus.workspaces.map((w, i) => [`WS${i + 1}_TOKEN`, w.token]),
);
env.NOTION_TOKEN = emus.workspaces[0]!.token;
// This process pushes edits (the latency part) with the same connections as the workers.
Object.assign(process.env, env);

const source = (ws: number, name: string, direction?: 'both'): SourceSpec => ({
  name: `ws${ws + 1}_${name}`,
  ws,
  dataSource: emus.workspaces[ws]!.dataSources[name]!,
  ...(direction ? { direction } : {}),
});

async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: pgServer.url });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(pgServer.url);
  url.pathname = `/${name}`;
  return url.toString();
}

function writeConfig(name: string, url: string, sources: SourceSpec[], rateBudget: string) {
  const config = {
    store: url,
    notion: { baseUrl: emus.baseUrl, rateBudget, requestsPerSecond: RPS, burst: 5 },
    connections: emus.workspaces.map((w, i) => ({ name: w.name, tokenEnv: `WS${i + 1}_TOKEN` })),
    sources: sources.map((s) => ({
      name: s.name,
      dataSource: s.dataSource,
      connection: emus.workspaces[s.ws]!.name,
      ...(s.direction ? { direction: s.direction } : {}),
    })),
    ...(driver === 'worker' ? { runner: 'distributed' } : {}),
  };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

interface RunFigures {
  seconds: number;
  rows: number;
  calls: number;
  rateLimited: number;
  perWorkspace: { name: string; calls: number; rateLimited: number; utilization: number }[];
}

function figuresOf(e: BenchEmulators, seconds: number, rows: number): RunFigures {
  const counts = e.counts();
  return {
    seconds,
    rows,
    calls: counts.reduce((a, c) => a + c.calls, 0),
    rateLimited: counts.reduce((a, c) => a + c.rateLimited, 0),
    perWorkspace: counts.map((c) => ({ ...c, utilization: c.calls / (RPS * seconds) })),
  };
}

async function runJobs(
  name: string,
  sources: SourceSpec[],
  workers: number,
  rateBudget = 'shared',
) {
  const url = await freshDatabase(name);
  const configPath = writeConfig(name, url, sources, rateBudget);
  const pool = await startPool(driver, { processes: workers, configPath, env });
  await settle();
  emus.clearLogs();
  const started = performance.now();
  const reports = await pool.run(sources.map((s) => s.name));
  const seconds = (performance.now() - started) / 1000;
  await pool.stop();
  const failed = reports.filter((r) => r.status !== 'ok');
  if (failed.length > 0) console.error(`  ${failed.length} jobs did not end ok:`, failed);
  return figuresOf(
    emus,
    seconds,
    reports.reduce((a, r) => a + r.rows, 0),
  );
}

/**
 * Lets the emulators' buckets refill (burst 10 at 3/s) after the previous run: each run starts on
 * a fresh store whose budget rows are full, as Notion's buckets would be after a quiet spell.
 */
const settle = () => new Promise((resolve) => setTimeout(resolve, 4000));

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

async function scalePart() {
  const results: Record<number, RunFigures> = {};
  console.log(`\n## scale: ${W} workspaces × ${ROWS} rows, one pull job each (driver ${driver})`);
  console.log(
    'workers | seconds | rows/s | calls/s | 429s | budget use (all ws) | budget use (busy ws)',
  );
  for (const n of values.workers.split(',').map(Number)) {
    const sources = emus.workspaces.map((_, i) => source(i, 'rows'));
    const f = await runJobs(`scale_${n}`, sources, n);
    results[n] = f;
    const all = f.perWorkspace.reduce((a, w) => a + w.utilization, 0) / W;
    const busy = f.calls / f.seconds / (RPS * Math.min(n, W));
    console.log(
      `${n} | ${f.seconds.toFixed(1)} | ${(f.rows / f.seconds).toFixed(0)} | ${(f.calls / f.seconds).toFixed(1)} | ${f.rateLimited} | ${pct(all)} | ${pct(busy)}`,
    );
  }
  const ns = Object.keys(results).map(Number);
  const lo = Math.min(...ns);
  const hi = Math.max(...ns);
  if (lo !== hi) {
    const ratio =
      results[hi]!.rows / results[hi]!.seconds / (results[lo]!.rows / results[lo]!.seconds);
    console.log(
      `ratio to linear ${lo} → ${hi} workers: ${(ratio / (hi / lo)).toFixed(2)} (rows/s ×${ratio.toFixed(2)}; goal ≥ 0.8)`,
    );
  }
}

async function oneWorkspacePart() {
  console.log(
    '\n## one workspace: 4 workers pulling 4 sources of ws1 (3 req/s for the whole workspace)',
  );
  console.log('rate budget | seconds | calls/s | 429s');
  const sources = ['a', 'b', 'c', 'd'].map((n) => source(0, n));
  for (const rateBudget of ['shared', 'local']) {
    const f = await runJobs(`one_ws_${rateBudget}`, sources, 4, rateBudget);
    console.log(
      `${rateBudget} | ${f.seconds.toFixed(1)} | ${(f.calls / f.seconds).toFixed(2)} | ${f.rateLimited}`,
    );
  }
}

async function latencyPart() {
  console.log(
    `\n## latency: one edit pushed while a ${BACKFILL}-row backfill runs on the same workspace`,
  );
  const sources = [source(0, 'backfill'), source(0, 'edit', 'both')];
  const url = await freshDatabase('latency');
  const configPath = writeConfig('latency', url, sources, 'shared');
  const { config } = readConfig({ cwd: dir, configPath, env: process.env });
  const store = await createStore({ url });
  const engine = createEngine({ config, store });
  await engine.pull(['ws1_edit']);
  const [record] = await store.db.selectFrom('records').select(['page_id']).limit(1).execute();
  const pool = await startPool(driver, { processes: 1, configPath, env });
  await settle();
  emus.clearLogs();
  const backfill = pool.run(['ws1_backfill']);
  // Let the backfill take the budget first.
  while ((emus.counts()[0]?.calls ?? 0) < 10) await new Promise((r) => setTimeout(r, 100));
  const lanes: Record<string, number[]> = { console: [], schedule: [], queued: [] };
  for (let i = 0; i < EDITS * 3; i++) {
    const trigger = ['console', 'schedule', 'queued'][i % 3]!;
    await engine.records.update('ws1_edit', record!.page_id as string, { Estimate: 100 + i });
    const started = performance.now();
    if (trigger === 'queued') {
      // As `serve` does under runner: distributed: the push is a job for a worker's
      // interactive slot, while the worker's one bulk slot runs the backfill.
      if (!pool.queuePush) continue;
      const status = await pool.queuePush('ws1_edit', 'console');
      lanes.queued!.push(performance.now() - started);
      if (status !== 'ok') console.error(`  queued push ended ${status}`);
      continue;
    }
    const pushed = await engine.push(['ws1_edit'], { trigger });
    lanes[trigger]!.push(performance.now() - started);
    if (!pushed.ok)
      console.error('  push did not end ok', JSON.stringify(pushed.sources[0]?.errors));
  }
  const reports = await backfill;
  const backfillCalls = emus.counts()[0]!;
  await pool.stop();
  await store.close();
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${s[Math.floor(s.length / 2)]!.toFixed(0)} ms, max ${s[s.length - 1]!.toFixed(0)} ms`;
  };
  console.log(`push of one edit, interactive lane (trigger console): ${stats(lanes.console!)}`);
  console.log(`push of one edit, bulk lane (trigger schedule):       ${stats(lanes.schedule!)}`);
  if (lanes.queued!.length > 0)
    console.log(
      `push of one edit queued for a worker (trigger console, its interactive slot): ${stats(lanes.queued!)}`,
    );
  console.log(
    `backfill: ${reports[0]?.rows ?? 0} rows, ${backfillCalls.calls} calls on ws1 during the run, ${backfillCalls.rateLimited} × 429`,
  );
}

try {
  if (!values.only || values.only === 'scale') await scalePart();
  if (!values.only || values.only === 'one-ws') await oneWorkspacePart();
  if (!values.only || values.only === 'latency') await latencyPart();
  console.log(
    `\ncommand: npm run bench:scale -- --workspaces ${W} --rows ${ROWS} --workers ${values.workers} --backfill-rows ${BACKFILL} --edits ${EDITS} --driver ${driver}${values.only ? ` --only ${values.only}` : ''}`,
  );
} finally {
  await emus.close();
  await pgServer.stop();
  rmSync(dir, { recursive: true, force: true });
}
