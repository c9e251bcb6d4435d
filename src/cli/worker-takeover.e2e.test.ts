// A worker's job survives the worker and the database: workers killed with SIGKILL mid-pull
// leave a job that another worker resumes from the checkpoint (3 kills; 20 under
// NOTION_SYNC_SOAK=1); SIGTERM checkpoints and hands the job on; the database ending every
// connection mid-pull pauses the job, which then completes. Each ends with every row once, one
// version each, the job completed and nothing in the dead letter queue.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEAD_LETTER_QUEUE, JOB_QUEUE } from '../runner/distributed/index.ts';
import { until } from './worker-test-support.ts';
import {
  lastRun,
  pullUnderWay,
  startWorkerEmulator,
  tally,
  type WorkerEmulator,
} from './worker-workspace-test-support.ts';

const KILLS = process.env.NOTION_SYNC_SOAK === '1' ? 20 : 3;
// A pull commits a batch of up to 100 rows at a time; each kill lands after one more batch.
const ROWS = 100 * (KILLS + 3);
const WORKER = ['worker', '--port', '0', '--concurrency', '1'];
const PULL = { kind: 'pull', source: 'tasks', trigger: 'api' };

let fx: WorkerEmulator;
beforeAll(async () => {
  fx = await startWorkerEmulator(ROWS);
});
afterAll(() => fx.close());

describe('a running job outlives its worker (runner: distributed)', () => {
  it(
    `workers killed with SIGKILL mid-pull ${KILLS} times: another resumes, nothing twice, no job lost`,
    async () => {
      const { store, start, queue: openQueue } = await fx.workspace(inject('postgresUrl'));
      const queue = await openQueue();
      const jobId = (await queue.boss.send(JOB_QUEUE, PULL)) as string;
      let worker = start(WORKER);
      for (let kill = 0; kill < KILLS; kill += 1) {
        await worker.listening;
        // Mid-pull: this attempt's run is running and has written rows past the last kill's.
        const before = (await tally(store)).rows;
        await until(() => pullUnderWay(store, ROWS, before), `kill ${kill + 1}: a pull under way`);
        worker.child.kill('SIGKILL');
        expect((await worker.exited).signal).toBe('SIGKILL');
        worker = start(WORKER);
      }
      const job = await until(async () => {
        const [row] = await queue.boss.findJobs(JOB_QUEUE, { id: jobId });
        return row && ['completed', 'failed'].includes(row.state) ? row : undefined;
      }, 'the job to end');
      expect(job.state).toBe('completed');
      expect(await tally(store)).toEqual({ rows: ROWS, pages: ROWS, versions: ROWS });
      expect(await lastRun(store)).toMatchObject({ status: 'ok' });
      expect(await queue.boss.findJobs(DEAD_LETTER_QUEUE)).toEqual([]);
      worker.child.kill('SIGTERM');
      await worker.exited;
    },
    60_000 + KILLS * 45_000,
  );

  it('SIGTERM mid-pull: the worker checkpoints, hands the job on, and another worker finishes it', async () => {
    const { store, start, cli, queue: openQueue } = await fx.workspace(inject('postgresUrl'));
    const queue = await openQueue();
    const jobId = (await queue.boss.send(JOB_QUEUE, PULL)) as string;
    const first = start(WORKER);
    await until(() => pullUnderWay(store, ROWS), 'the pull to be under way');
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as {
      queue: { workers: { pid: number; running: { source: string; kind: string }[] }[] };
    };
    expect(status.queue.workers).toEqual([
      expect.objectContaining({
        pid: first.child.pid,
        running: [expect.objectContaining({ source: 'tasks', kind: 'pull' })],
      }),
    ]);
    first.child.kill('SIGTERM');
    expect((await first.exited).code, first.output().stderr).toBe(0);
    // The run stopped at a batch boundary and said so; nothing is left running.
    expect(await lastRun(store)).toMatchObject({ status: 'interrupted' });
    const [handed] = await queue.boss.findJobs(JOB_QUEUE, { id: jobId });
    expect(handed).toMatchObject({
      state: 'completed',
      output: { requeuedAs: expect.any(String) },
    });

    const second = start(WORKER);
    await until(
      async () => ((await lastRun(store))?.status === 'ok' ? true : undefined),
      'the run',
    );
    expect(await tally(store)).toEqual({ rows: ROWS, pages: ROWS, versions: ROWS });
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('the database drops every connection mid-pull: the job pauses and resumes, nothing twice', async () => {
    const { url, store, start, queue: openQueue } = await fx.workspace(inject('postgresUrl'));
    const queue = await openQueue();
    const jobId = (await queue.boss.send(JOB_QUEUE, PULL)) as string;
    const worker = start(WORKER);
    await until(() => pullUnderWay(store, ROWS), 'the pull to be under way');
    const database = new URL(url).pathname.slice(1);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = ${database} and pid <> pg_backend_pid()`.execute(store.db);
    const job = await until(async () => {
      const [row] = await queue.boss.findJobs(JOB_QUEUE, { id: jobId });
      return row?.state === 'completed' ? row : undefined;
    }, 'the job to complete after the outage');
    expect(job.state).toBe('completed');
    expect(await tally(store)).toEqual({ rows: ROWS, pages: ROWS, versions: ROWS });
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code, worker.output().stderr).toBe(0);
  }, 150_000);
});
