// Invariants of the distributed runner, in one process on a real PostgreSQL queue with a real
// engine against the emulator: a queued job is run by a worker and its caller gets the run's
// outcome; a job whose source another process holds is handed on and the caller follows it to
// the run that happened; `start` refuses a source that is running; interactive jobs run in
// worker slots of their own, so they never wait behind bulk jobs; a queued row that is no notion-sync job is refused as `job_invalid`.
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../config/index.ts';
import { createEmulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { NotionSyncError } from '../../errors.ts';
import { systemClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness } from '../../sync/test-support/pull-harness.ts';
import { executeJob } from '../job.ts';
import { createDistributedRunner } from './distributed-runner.ts';
import { type JobQueue, openJobQueue } from './job-queue.ts';
import {
  createJobWorker,
  type JobWorker,
  type JobWorkerOptions,
  parseQueuedJob,
} from './job-worker.ts';

const postgres = storeFactories().find((f) => f.name === 'postgres')!;
const opened: { queue: JobQueue; worker?: JobWorker }[] = [];

afterEach(async () => {
  for (const { queue, worker } of opened.splice(0)) {
    await worker?.stop(5_000);
    await queue.stop({ graceful: false, timeoutMs: 1_000 });
  }
});

async function setup() {
  const emu = await createEmulator();
  const dsId = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
  emu.control.bulkCreatePages(
    dsId,
    Array.from({ length: 30 }, (_, i) => ({ Name: { title: [{ text: { content: `r${i}` } }] } })),
  );
  const sources: SourceConfig[] = [{ name: 'tasks', dataSource: dsId }];
  const h = await createPullHarness(postgres, emu, sources, systemClock);
  const queue = await openJobQueue({
    url: h.testStore.url,
    schema: `${h.testStore.schema}_jobs`,
    heartbeatSeconds: 10,
    retryLimit: 0,
    retryDelaySeconds: 0,
    role: 'serve',
  });
  const entry: { queue: JobQueue; worker?: JobWorker } = { queue };
  opened.push(entry);
  const runner = createDistributedRunner({ queue, store: h.store, pollMs: 50 });
  const startWorker = async (execute?: JobWorkerOptions['execute']) => {
    const worker = createJobWorker({
      queue,
      engine: h.engine,
      concurrency: 1,
      handOnDelaySeconds: 1,
      pollingSeconds: 0.5,
      ...(execute ? { execute } : {}),
    });
    entry.worker = worker;
    await worker.start();
    return worker;
  };
  return { h, queue, runner, startWorker };
}

describe('distributed runner', () => {
  it('a queued pull runs on a worker and its caller gets the outcome', async () => {
    const { h, runner, startWorker } = await setup();
    await startWorker();
    const outcome = await runner.enqueue({ kind: 'pull', source: 'tasks', trigger: 'api' });
    expect(outcome).toMatchObject({ status: 'ok', rows: { created: 30 } });
    const [run] = await h.store.runs.list({ limit: 1 });
    expect(run).toMatchObject({ id: outcome.runId, status: 'ok', trigger: 'api' });
  });

  it('a job whose source another process runs is handed on, and start refuses that source', async () => {
    const { h, runner, startWorker } = await setup();
    await startWorker();
    await runner.enqueue({ kind: 'pull', source: 'tasks', trigger: 'api' });
    const source = (await h.store.sources.getByName('tasks'))!;
    // Another process (another host) holds the source's lease.
    const held = await h.store.runs.start({
      sourceId: source.id,
      kind: 'pull',
      trigger: 'cli',
      owner: { host: 'elsewhere', pid: 1 },
    });
    const refused = await runner.start({ kind: 'pull', source: 'tasks', trigger: 'api' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(NotionSyncError);
    expect((refused as NotionSyncError).code).toBe('source_busy');

    const waiting = runner.enqueue({ kind: 'pull', source: 'tasks', trigger: 'api' });
    expect(runner.isBusy('tasks')).toBe(true);
    // Let the worker meet the lease at least once, then release it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await h.store.runs.finish(held.id, { status: 'ok' });
    const outcome = await waiting;
    expect(outcome.status).toBe('ok');
    expect(outcome.runId).toBeGreaterThan(held.id);
    expect(runner.isBusy('tasks')).toBe(false);
  });

  it('an interactive job runs in a slot of its own while bulk jobs hold every bulk slot', async () => {
    const { runner, startWorker } = await setup();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started: string[] = [];
    // Bulk jobs stand for a long backfill: they hold the worker's one bulk slot until released.
    await startWorker(async (engine, job, context) => {
      started.push(`${job.trigger}:${job.source}`);
      if (job.trigger !== 'schedule') return executeJob(engine, job, context);
      await gate;
      return {
        job,
        status: 'ok',
        runId: null,
        errors: [],
        rows: { created: 0, updated: 0, deleted: 0 },
      };
    });
    const backfills = [
      runner.enqueue({ kind: 'pull', source: 'backfill-a', trigger: 'schedule' }),
      runner.enqueue({ kind: 'pull', source: 'backfill-b', trigger: 'schedule' }),
    ];
    try {
      while (started.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      const outcome = await runner.enqueue({ kind: 'pull', source: 'tasks', trigger: 'api' });
      expect(outcome).toMatchObject({ status: 'ok', rows: { created: 30 } });
      // One backfill holds the bulk slot, the other still waits for it; the API pull did not.
      expect(started).toHaveLength(2);
      expect(started[0]).toMatch(/^schedule:backfill-[ab]$/);
      expect(started[1]).toBe('api:tasks');
    } finally {
      release();
    }
    await Promise.all(backfills);
    expect(started).toHaveLength(3);
  });

  it('refuses a queued row that is no notion-sync job', () => {
    for (const data of [null, { kind: 'explode', source: 'x', trigger: 'api' }, { kind: 'pull' }]) {
      const error = (() => {
        try {
          parseQueuedJob(data);
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect((error as NotionSyncError).code).toBe('job_invalid');
    }
    expect(
      parseQueuedJob({ kind: 'refresh', source: 's', pageIds: ['a'], trigger: 'webhook:1' }),
    ).toMatchObject({ kind: 'refresh' });
  });
});
