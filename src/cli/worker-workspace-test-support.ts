// The shared setup of the worker e2e tests: an emulator listening on a socket with one data
// source of `rows` rows (each request slowed so a pull's batches are far enough apart to kill a
// worker between them), and per test a fresh PostgreSQL database with a `runner: distributed`
// config, its store, and `serve` / `worker` children that are killed when the file ends.
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { type JobQueue, openJobQueue } from '../runner/distributed/index.ts';
import { createStore, type Store } from '../store/index.ts';
import { runCliCaptured } from './test-support.ts';
import { type Child, configDir, freshDatabase, startCli } from './worker-test-support.ts';

export interface WorkerEmulator {
  emu: Emulator;
  server: RunningServer;
  dsId: string;
  rows: number;
  /** Kills every child the file's workspaces started and closes the emulator. */
  close(): Promise<void>;
  /** `source`: more keys of the `tasks` source (e.g. its schedule), as flow YAML. */
  workspace(postgresUrl: string, worker?: string, source?: string): Promise<WorkerWorkspace>;
}

export interface WorkerWorkspace {
  url: string;
  store: Store;
  start(args: string[]): Child;
  cli(argv: string[]): ReturnType<typeof runCliCaptured>;
  /** The job queue of this database, as a test reads and feeds it. */
  queue(retryLimit?: number): Promise<JobQueue>;
}

export const TEST_WORKER = '{ heartbeatSeconds: 10, retryDelaySeconds: 0, retryLimit: 30 }';

export async function startWorkerEmulator(rows: number): Promise<WorkerEmulator> {
  const emu = await createEmulator({ latencyMs: 500 });
  const dsId = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
  emu.control.bulkCreatePages(
    dsId,
    Array.from({ length: rows }, (_, i) => ({
      Name: { title: [{ text: { content: `row ${i}` } }] },
    })),
  );
  const server = await emu.listen({ port: 0 });
  const children: Child[] = [];
  const opened: (Store | JobQueue)[] = [];
  return {
    emu,
    server,
    dsId,
    rows,
    async close() {
      for (const c of children) c.child.kill('SIGKILL');
      for (const o of opened)
        await ('boss' in o ? o.stop({ graceful: false, timeoutMs: 1_000 }) : o.close()).catch(
          () => {},
        );
      await server.close();
    },
    async workspace(postgresUrl, worker = TEST_WORKER, source = '') {
      const url = await freshDatabase(postgresUrl);
      const cwd = configDir(
        [
          `store: "${url}"`,
          'runner: distributed',
          `worker: ${worker}`,
          `sources:\n  - { name: tasks, dataSource: ${dsId}${source ? `, ${source}` : ''} }`,
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
      opened.push(store);
      return {
        url,
        store,
        start(args) {
          const child = startCli(cwd, env, args);
          children.push(child);
          return child;
        },
        cli: (argv) => runCliCaptured(argv, { cwd, env }),
        async queue(retryLimit = 30) {
          const queue = await openJobQueue({
            url,
            heartbeatSeconds: 10,
            retryLimit,
            retryDelaySeconds: 0,
            role: 'status',
          });
          opened.push(queue);
          return queue;
        },
      };
    },
  };
}

/** Rows, versions and distinct pages of the store, straight from the tables. */
export async function tally(store: Store) {
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

export async function lastRun(store: Store) {
  const [run] = await store.runs.list({ limit: 1 });
  return run;
}

/** True once the store's last run is running and has written some, not all, of `rows` rows. */
export async function pullUnderWay(store: Store, rows: number, after = 0) {
  const written = (await tally(store)).rows;
  return (await lastRun(store))?.status === 'running' && written > after && written < rows
    ? true
    : undefined;
}
