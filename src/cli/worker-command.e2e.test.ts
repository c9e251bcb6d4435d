// `runner: distributed` as real processes on one PostgreSQL database and the emulator listening
// on a socket: `serve` queues an API-triggered pull and a `worker` runs it; workers killed with
// SIGKILL mid-pull leave a job that another worker resumes from the checkpoint — every row once,
// one version each, the job completed, nothing in the dead letter queue. Bad setups (SQLite
// store, `runner: local`) refuse to start with their codes.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { DEAD_LETTER_QUEUE, JOB_QUEUE, openJobQueue } from '../runner/distributed/index.ts';
import { createStore, type Store } from '../store/index.ts';
import { runCliCaptured } from './test-support.ts';
import { type Child, configDir, freshDatabase, startCli, until } from './worker-test-support.ts';

const KILLS = process.env.NOTION_SYNC_SOAK === '1' ? 20 : 3;
// A pull commits a batch of up to 100 rows at a time; each kill lands after one more batch.
const ROWS = 100 * (KILLS + 3);

let emu: Emulator;
let server: RunningServer;
let dsId: string;
const children: Child[] = [];

beforeAll(async () => {
  // Each request takes half a second, so the batches of a pull are far apart enough to kill in.
  emu = await createEmulator({ latencyMs: 500 });
  dsId = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
  emu.control.bulkCreatePages(
    dsId,
    Array.from({ length: ROWS }, (_, i) => ({
      Name: { title: [{ text: { content: `row ${i}` } }] },
    })),
  );
  server = await emu.listen({ port: 0 });
});
afterAll(async () => {
  for (const c of children) c.child.kill('SIGKILL');
  await server.close();
});

async function workspace(
  worker = '{ heartbeatSeconds: 10, retryDelaySeconds: 0, retryLimit: 30 }',
) {
  const url = await freshDatabase(inject('postgresUrl'));
  const cwd = configDir(
    [
      `store: "${url}"`,
      'runner: distributed',
      `worker: ${worker}`,
      `sources:\n  - { name: tasks, dataSource: ${dsId} }`,
      '',
    ].join('\n'),
  );
  const env = {
    NOTION_TOKEN: emu.token,
    NOTION_BASE_URL: server.baseUrl,
    NOTION_SYNC_RPS: '1000',
    NOTION_SYNC_BURST: '1000',
    NOTION_SYNC_LOG_LEVEL: 'warn',
  };
  const store = await createStore({ url });
  const start = (args: string[]) => {
    const child = startCli(cwd, env, args);
    children.push(child);
    return child;
  };
  const cli = (argv: string[]) => runCliCaptured(argv, { cwd, env });
  return { url, cwd, env, store, start, cli };
}

/** Rows, versions and distinct pages of `tasks`, straight from the tables. */
async function tally(store: Store) {
  const records = await store.db
    .selectFrom('records')
    .select((eb) => [
      eb.fn.countAll<string>().as('rows'),
      eb.fn.count<string>('page_id').distinct().as('pages'),
    ])
    .executeTakeFirstOrThrow();
  const versions = await store.db
    .selectFrom('versions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows: Number(records.rows), pages: Number(records.pages), versions: Number(versions.n) };
}

async function lastRun(store: Store) {
  const [run] = await store.runs.list({ limit: 1 });
  return run;
}

describe('notion-sync worker (runner: distributed)', () => {
  it('serve queues an API pull; a worker runs it; /healthz and /metrics answer', async () => {
    const { store, start } = await workspace();
    try {
      const serve = start(['serve', '--port', '0']);
      const serveUrl = await serve.listening;
      const worker = start(['worker', '--port', '0', '--concurrency', '1']);
      const workerUrl = await worker.listening;
      expect((await fetch(`${workerUrl}/healthz`)).status).toBe(200);

      const response = await fetch(`${serveUrl}/api/v1/sources/tasks/pull`, { method: 'POST' });
      expect(response.status).toBe(202);
      const run = await until(async () => {
        const r = await lastRun(store);
        return r && r.status !== 'running' ? r : undefined;
      }, 'the queued pull to finish');
      expect(run).toMatchObject({ status: 'ok', trigger: 'api' });
      expect(await tally(store)).toEqual({ rows: ROWS, pages: ROWS, versions: ROWS });
      const metrics = await (await fetch(`${workerUrl}/metrics`)).text();
      expect(metrics).toMatch(/notion_sync_runs_total\{[^}]*status="ok"[^}]*\} 1/);

      worker.child.kill('SIGTERM');
      serve.child.kill('SIGTERM');
      expect((await worker.exited).code, worker.output().stderr).toBe(0);
      expect((await serve.exited).code, serve.output().stderr).toBe(0);
    } finally {
      await store.close();
    }
  });

  it(
    `workers killed with SIGKILL mid-pull ${KILLS} times: another resumes, nothing twice, no job lost`,
    async () => {
      const { url, store, start } = await workspace();
      const queue = await openJobQueue({
        url,
        heartbeatSeconds: 10,
        retryLimit: 30,
        retryDelaySeconds: 0,
        role: 'status',
      });
      try {
        const jobId = await queue.boss.send(JOB_QUEUE, {
          kind: 'pull',
          source: 'tasks',
          trigger: 'api',
        });
        let worker = start(['worker', '--port', '0', '--concurrency', '1']);
        for (let kill = 0; kill < KILLS; kill += 1) {
          await worker.listening;
          // Mid-pull: this attempt's run is running and has written rows past the last kill's.
          const before = (await tally(store)).rows;
          await until(
            async () => {
              const run = await lastRun(store);
              const rows = (await tally(store)).rows;
              return run?.status === 'running' && rows > before && rows < ROWS ? true : undefined;
            },
            `kill ${kill + 1}: the pull to be under way`,
          );
          worker.child.kill('SIGKILL');
          expect((await worker.exited).signal).toBe('SIGKILL');
          worker = start(['worker', '--port', '0', '--concurrency', '1']);
        }
        const job = await until(async () => {
          const [row] = await queue.boss.findJobs(JOB_QUEUE, { id: jobId as string });
          return row && ['completed', 'failed'].includes(row.state) ? row : undefined;
        }, 'the job to end');
        expect(job.state).toBe('completed');
        expect(await tally(store)).toEqual({ rows: ROWS, pages: ROWS, versions: ROWS });
        expect(await lastRun(store)).toMatchObject({ status: 'ok' });
        expect(await queue.boss.findJobs(DEAD_LETTER_QUEUE)).toEqual([]);
        worker.child.kill('SIGTERM');
        await worker.exited;
      } finally {
        await queue.stop({ graceful: false, timeoutMs: 1_000 });
        await store.close();
      }
    },
    60_000 + KILLS * 45_000,
  );

  it('a poison job ends in the dead letter queue with its error, and status shows it', async () => {
    const { url, store, start, cli } = await workspace('{ retryDelaySeconds: 0, retryLimit: 1 }');
    const queue = await openJobQueue({
      url,
      heartbeatSeconds: 30,
      retryLimit: 1,
      retryDelaySeconds: 0,
      role: 'status',
    });
    try {
      await queue.boss.send(JOB_QUEUE, { kind: 'pull', source: 'nope', trigger: 'api' });
      await queue.boss.send(JOB_QUEUE, { kind: 'explode', source: 'tasks' });
      const worker = start(['worker', '--port', '0']);
      await worker.listening;
      await until(async () => {
        const dead = await queue.boss.findJobs(DEAD_LETTER_QUEUE);
        return dead.length === 2 ? true : undefined;
      }, 'both jobs in the dead letter queue');
      const status = await cli(['status', '--json']);
      expect(status.status).toBe(0);
      const shown = JSON.parse(status.stdout) as {
        queue: { dead: { source: string; error: string }[]; workers: { running: number }[] };
      };
      expect(shown.queue.workers).toHaveLength(1);
      expect(shown.queue.dead).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            source: 'nope',
            error: expect.stringContaining('No source named "nope"'),
          }),
          expect.objectContaining({
            source: 'tasks',
            error: expect.stringContaining('job_invalid'),
          }),
        ]),
      );
      const text = await cli(['status']);
      expect(text.stdout).toContain('dead letters:   2');
      worker.child.kill('SIGTERM');
      expect((await worker.exited).code).toBe(0);
    } finally {
      await queue.stop({ graceful: false, timeoutMs: 1_000 });
      await store.close();
    }
  });

  it('refuses runner: distributed on SQLite, and a worker under runner: local', async () => {
    const sqlite = configDir('store: ./copy.db\nrunner: distributed\n');
    const refused = await runCliCaptured(['worker'], { cwd: sqlite, env: {} });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('problem in the configuration');
    expect(refused.stderr).toContain('SQLite is single-process');
    const local = configDir('store: ./copy.db\n');
    const notDistributed = await runCliCaptured(['worker'], { cwd: local, env: {} });
    expect(notDistributed.status).not.toBe(0);
    expect(notDistributed.stderr).toContain('runner: local');
  });
});
