// `--driver worker` of `npm run bench:scale`: real `notion-sync worker --concurrency 1`
// processes (runner: distributed, pg-boss in the store's database); this process queues one
// pull job per source through the distributed runner and waits for their outcomes.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openConfiguredQueue } from '../src/cli/open-queue.ts';
import { readConfig } from '../src/config/index.ts';
import { createDistributedRunner } from '../src/runner/distributed/index.ts';
import { silentLogger } from '../src/shared/index.ts';
import { createStore } from '../src/store/index.ts';
import type { PoolOptions, WorkerPool } from './scale-pool.ts';

const BIN = fileURLToPath(new URL('../bin/notion-sync.js', import.meta.url));

/** Starts one worker process; resolves once it says it takes jobs. */
function startWorker(options: PoolOptions): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [BIN, '--config', options.configPath, 'worker', '--concurrency', '1', '--port', '0'],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let said = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('worker taking jobs')) resolve(child);
    });
    child.once('exit', (code) =>
      reject(new Error(`worker exited (${code}): ${said.slice(-2000)}`)),
    );
  });
}

export async function startWorkerPool(options: PoolOptions): Promise<WorkerPool> {
  const { config } = readConfig({
    cwd: process.cwd(),
    configPath: options.configPath,
    env: { ...process.env, ...options.env },
  });
  // This process migrates the fresh store first; workers refuse to migrate one themselves.
  const store = await createStore({ url: config.store });
  const queue = await openConfiguredQueue(config, silentLogger, 'serve');
  const runner = createDistributedRunner({ queue, store, pollMs: 100 });
  const children = await Promise.all(
    Array.from({ length: options.processes }, () => startWorker(options)),
  );
  return {
    processes: options.processes,
    async run(sources) {
      const outcomes = await Promise.all(
        sources.map((source) => runner.enqueue({ kind: 'pull', source, trigger: 'schedule' })),
      );
      return outcomes.map((o) => ({
        source: o.job.source,
        status: o.status,
        rows: o.rows.created,
      }));
    },
    async queuePush(source, trigger) {
      return (await runner.enqueue({ kind: 'push', source, trigger })).status;
    },
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
      await runner.stop(1000);
      await queue.stop({ graceful: false, timeoutMs: 2000 });
      await store.close();
    },
  };
}
