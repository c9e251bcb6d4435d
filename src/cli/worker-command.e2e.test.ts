// `runner: distributed` as real processes on one PostgreSQL database and the emulator listening
// on a socket: `serve` queues an API-triggered pull and a `worker` runs it (with /healthz and
// /metrics); with two `serve` instances a schedule fires once per slot, and goes on when one
// stops; a poison job ends in the dead letter queue and `status` shows it; bad setups —
// SQLite store, `runner: local`, a store of another schema version — refuse to start and say
// what to change. (Takeovers after SIGKILL, SIGTERM and a lost database: worker-takeover.)
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEAD_LETTER_QUEUE, JOB_QUEUE } from '../runner/distributed/index.ts';
import { runCliCaptured } from './test-support.ts';
import { configDir, until } from './worker-test-support.ts';
import {
  lastRun,
  startWorkerEmulator,
  tally,
  type WorkerEmulator,
} from './worker-workspace-test-support.ts';

const ROWS = 300;

let fx: WorkerEmulator;
beforeAll(async () => {
  fx = await startWorkerEmulator(ROWS);
});
afterAll(() => fx.close());

describe('notion-sync worker (runner: distributed)', () => {
  it('serve queues an API pull; a worker runs it; /healthz and /metrics answer', async () => {
    const { store, start } = await fx.workspace(inject('postgresUrl'));
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
  }, 60_000);

  it('a one-shot pull under runner: distributed spends the shared budget of its connection and workspace', async () => {
    const { store, cli } = await fx.workspace(inject('postgresUrl'));
    const pulled = await cli(['pull']);
    expect(pulled.status, pulled.stderr).toBe(0);
    const usage = await store.rateBudgets.usage(Date.now());
    const byKey = new Map(usage.map((u) => [u.key, u]));
    const calls = fx.emu.control.requestLog().length;
    // Every request of the default connection took a token of its bucket, and every one after
    // the users.me that names its workspace a token of the workspace's too.
    const connection = byKey.get('connection:default')!;
    expect(connection.taken).toBeGreaterThan(1);
    const workspace = usage.find((u) => u.kind === 'workspace');
    expect(workspace?.taken).toBe(connection.taken - 1);
    expect(calls).toBeGreaterThanOrEqual(connection.taken);
  }, 60_000);

  it('two serve instances: a schedule fires once per slot, and on when the leader stops', async () => {
    const { start, queue: openQueue } = await fx.workspace(
      inject('postgresUrl'),
      undefined,
      'schedule: "*/4 * * * * *"',
    );
    const queue = await openQueue();
    const scheduledJobs = async () =>
      (await queue.boss.findJobs<{ trigger: string; scheduledFor: number }>(JOB_QUEUE)).filter(
        (job) => job.data.trigger === 'schedule',
      );
    const first = start(['serve', '--port', '0']);
    const second = start(['serve', '--port', '0']);
    await Promise.all([first.listening, second.listening]);
    const worker = start(['worker', '--port', '0', '--concurrency', '1']);
    await worker.listening;
    await until(async () => ((await scheduledJobs()).length >= 3 ? true : undefined), '3 slots');
    // Whichever instance leads, stopping the first leaves one that must go on firing.
    first.child.kill('SIGTERM');
    expect((await first.exited).code, first.output().stderr).toBe(0);
    const before = (await scheduledJobs()).length;
    await until(
      async () => ((await scheduledJobs()).length >= before + 2 ? true : undefined),
      '2 more slots after the first instance stopped',
    );
    second.child.kill('SIGTERM');
    expect((await second.exited).code, second.output().stderr).toBe(0);
    // Once per slot: no two scheduled jobs name the same slot.
    const slots = (await scheduledJobs()).map((job) => job.data.scheduledFor);
    expect(new Set(slots).size).toBe(slots.length);
    worker.child.kill('SIGTERM');
    await worker.exited;
  }, 90_000);

  it('a poison job ends in the dead letter queue with its error, and status shows it', async () => {
    const {
      start,
      cli,
      queue: openQueue,
    } = await fx.workspace(inject('postgresUrl'), '{ retryDelaySeconds: 0, retryLimit: 1 }');
    const queue = await openQueue(1);
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
      queue: { dead: { source: string; error: string }[]; workers: unknown[] };
    };
    expect(shown.queue.workers).toHaveLength(1);
    expect(shown.queue.dead).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'nope',
          error: expect.stringContaining('No source named "nope"'),
        }),
        expect.objectContaining({ source: 'tasks', error: expect.stringContaining('job_invalid') }),
      ]),
    );
    expect((await cli(['status'])).stdout).toContain('dead letters:   2');
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  }, 60_000);

  it('a worker refuses a store of another schema version and names which to upgrade', async () => {
    const { store, start } = await fx.workspace(inject('postgresUrl'));
    await sql`delete from notion_sync.migrations
      where name = (select max(name) from notion_sync.migrations)`.execute(store.db);
    const older = start(['worker', '--port', '0']);
    expect((await older.exited).code).not.toBe(0);
    expect(older.output().stderr).toContain('Upgrade the store first');
    await sql`insert into notion_sync.migrations (name, timestamp)
      values ('9999_future', 'now')`.execute(store.db);
    const newer = start(['worker', '--port', '0']);
    expect((await newer.exited).code).not.toBe(0);
    expect(newer.output().stderr).toContain('Upgrade notion-sync');
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
