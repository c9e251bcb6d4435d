import type { Command } from 'commander';
import { type Config, declaration } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import { systemClock } from '../../shared/index.ts';
import { createStore } from '../../store/index.ts';
import type { CliContext } from '../context.ts';
import { openConfiguredQueue } from '../open-queue.ts';
import { waitForSignal } from '../wait-for-signal.ts';

interface WorkerFlags {
  concurrency?: string;
  port?: string;
}

function parseFlag(
  value: string | undefined,
  schema: { safeParse(v: unknown): { success: boolean; data?: unknown } },
  what: string,
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(Number(value));
  if (!parsed.success) throw new NotionSyncError('usage', `${what}, got "${value}".`);
  return parsed.data as number;
}

function withFlags(config: Config, flags: WorkerFlags): Config {
  const worker = { ...config.worker };
  const concurrency = parseFlag(
    flags.concurrency,
    declaration.worker.concurrency.schema,
    '--concurrency must be a whole number 1–64',
  );
  if (concurrency !== undefined) worker.concurrency = concurrency;
  const port = parseFlag(flags.port, declaration.worker.port.schema, '--port must be 0–65535');
  if (port !== undefined) worker.port = port;
  return { ...config, worker };
}

/** Workers run the jobs `serve` queues: only with `runner: distributed` on PostgreSQL. */
function assertDistributed(config: Config): void {
  if (config.runner === 'distributed') return;
  throw new NotionSyncError(
    'config_invalid',
    'notion-sync worker runs the jobs of `runner: distributed`, but this configuration has `runner: local` (serve runs its jobs itself). Set `runner: distributed` and a postgres:// `store`.',
  );
}

export function registerWorkerCommand(program: Command, context: () => CliContext): void {
  program
    .command('worker')
    .description(
      'run queued jobs (runner: distributed): start any number, on any machines, beside `serve`',
    )
    .option('--concurrency <n>', 'jobs run at once (default worker.concurrency, 2)')
    .option('--port <n>', 'port of /metrics and /healthz (default worker.port, 8788)')
    .action(async (flags: WorkerFlags) => {
      const ctx = context();
      const config = withFlags(ctx.config(), flags);
      assertDistributed(config);
      const logger = ctx.logger();
      // A worker never migrates: a store of another version refuses it (store_too_old/new).
      const store = await createStore({
        url: config.store,
        baseDir: ctx.io.cwd,
        logger,
        refuseMigration: true,
        ...(config.secretKey ? { secretKey: config.secretKey } : {}),
      });
      try {
        const queue = await openConfiguredQueue(config, logger, 'worker');
        const { createWorkerService } = await import('../../server/index.ts');
        // Through the connection clients, so that with a shared rate budget (`runner:
        // distributed` and `notion.rateBudget: auto`) the default connection spends it too.
        const { createConnectionClients } = await import('../../sync/index.ts');
        const notion = await createConnectionClients({
          store,
          config,
          env: ctx.io.env,
          clock: systemClock,
          logger,
        }).client();
        const service = createWorkerService({
          config,
          store,
          notion,
          queue,
          logger,
          engine: { env: ctx.io.env },
        });
        try {
          const { url } = await service.run();
          if (ctx.json) ctx.printJson({ url, concurrency: config.worker.concurrency });
          else
            ctx.err(
              `worker taking jobs (concurrency ${config.worker.concurrency}); /metrics and /healthz on ${url} (Ctrl-C stops)`,
            );
          const signal = await waitForSignal();
          ctx.err(`${signal}: stopping (running jobs checkpoint and go back to the queue)`);
          const { abandonedJobs } = await service.stop();
          if (abandonedJobs > 0)
            ctx.err(
              `${abandonedJobs} job(s) did not stop in time; another worker resumes them from the checkpoint`,
            );
        } finally {
          await queue.stop({ graceful: false, timeoutMs: 2_000 });
        }
      } finally {
        await store.close();
      }
    });
}
