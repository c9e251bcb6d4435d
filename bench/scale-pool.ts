// Worker processes of `npm run bench:scale`, behind one small interface: hand the pool a list of
// sources, it pulls each once (one job per source, `--concurrency 1` per process) and resolves
// when all are done. `worker` runs `notion-sync worker` processes fed by pg-boss
// (scale-worker-pool.ts); `self` forks bench/scale-worker-child.ts processes fed over IPC (the
// engine with the shared budget, no queue).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface JobReport {
  source: string;
  status: string;
  rows: number;
}

export interface WorkerPool {
  readonly processes: number;
  /** Pulls every source once, spread over the processes; resolves with what each job reported. */
  run(sources: string[]): Promise<JobReport[]>;
  /** Queues a push of `source` as `trigger` for the workers (the worker driver only). */
  queuePush?(source: string, trigger: string): Promise<string>;
  stop(): Promise<void>;
}

export interface PoolOptions {
  processes: number;
  configPath: string;
  env: Record<string, string>;
}

const CHILD = fileURLToPath(new URL('./scale-worker-child.ts', import.meta.url));

function readyOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench worker exited early (${code})`)));
    child.once('message', () => resolve());
  });
}

/** `self` driver: forked engine processes, jobs handed out one at a time over IPC. */
export async function startSelfPool(options: PoolOptions): Promise<WorkerPool> {
  const children = Array.from({ length: options.processes }, () =>
    fork(CHILD, [options.configPath], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  await Promise.all(children.map(readyOf));
  return {
    processes: options.processes,
    async run(sources) {
      const queue = [...sources];
      const reports: JobReport[] = [];
      await Promise.all(
        children.map(async (child) => {
          for (let source = queue.shift(); source; source = queue.shift()) {
            const done = new Promise<JobReport>((resolve) => child.once('message', resolve));
            child.send({ source });
            reports.push(await done);
          }
        }),
      );
      return reports;
    },
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once('exit', () => resolve());
              child.send({ stop: true });
            }),
        ),
      );
    },
  };
}

/** The pool of `--driver`: `worker` = real `notion-sync worker` processes, `self` = forked engines. */
export async function startPool(
  driver: 'self' | 'worker',
  options: PoolOptions,
): Promise<WorkerPool> {
  if (driver === 'self') return startSelfPool(options);
  const { startWorkerPool } = await import('./scale-worker-pool.ts');
  return startWorkerPool(options);
}
