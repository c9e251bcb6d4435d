import type { Command } from 'commander';
import { type Config, declaration } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import { createNotionClient, notionClientOptionsFromConfig } from '../../notion/index.ts';
import { systemClock } from '../../shared/index.ts';
import { createStore } from '../../store/index.ts';
import { createConnectionClients, rateBudgetOf } from '../../sync/index.ts';
import type { CliContext } from '../context.ts';
import { openConfiguredQueue } from '../open-queue.ts';
import { waitForSignal } from '../wait-for-signal.ts';

interface ServeFlags {
  port?: string;
  host?: string;
}

function withFlags(config: Config, flags: ServeFlags): Config {
  const server = { ...config.server };
  if (flags.port !== undefined) {
    const port = declaration.server.port.schema.safeParse(Number(flags.port));
    if (!port.success)
      throw new NotionSyncError(
        'usage',
        `--port must be a port number 0–65535, got "${flags.port}".`,
      );
    server.port = port.data;
  }
  if (flags.host !== undefined) server.host = flags.host;
  return { ...config, server };
}

export function registerServeCommand(program: Command, context: () => CliContext): void {
  program
    .command('serve')
    .description(
      'run the webhook receiver, the scheduler, the REST API and /metrics in one process',
    )
    .option('--port <n>', 'TCP port (default server.port, 8787)')
    .option('--host <address>', 'address to listen on (default server.host, 127.0.0.1)')
    .action(async (flags: ServeFlags) => {
      const ctx = context();
      const config = withFlags(ctx.config(), flags);
      // Loaded here, not at the top: hono, prom-client and the MCP SDK stay out of every other
      // command's process.
      const { assertSafeExposure, createServeService } = await import('../../server/index.ts');
      // Before opening anything: an unprotected API beyond loopback never starts.
      assertSafeExposure(config);
      const logger = ctx.logger();
      const store = await createStore({
        url: config.store,
        baseDir: ctx.io.cwd,
        logger,
        ...(config.secretKey ? { secretKey: config.secretKey } : {}),
      });
      // With a shared rate budget the default connection spends it like every other process.
      const notion =
        rateBudgetOf(config) === 'shared'
          ? await createConnectionClients({
              store,
              config,
              env: ctx.io.env,
              clock: systemClock,
              logger,
            })
              .client()
              .catch(async (error) => {
                await store.close();
                throw error;
              })
          : createNotionClient(notionClientOptionsFromConfig(config, { logger }));
      // `runner: distributed`: jobs go to the PostgreSQL queue for `notion-sync worker`s.
      const queue =
        config.runner === 'distributed'
          ? await openConfiguredQueue(config, logger, 'serve').catch(async (error) => {
              await store.close();
              throw error;
            })
          : undefined;
      const service = createServeService({
        config,
        store,
        notion,
        logger,
        engine: { env: ctx.io.env },
        ...(queue ? { queue } : {}),
      });
      try {
        const { url } = await service.run();
        if (ctx.json)
          ctx.printJson({ url, webhookUrl: `${url}/webhooks/notion`, api: `${url}/api/v1` });
        else
          ctx.err(
            `serving on ${url} — webhooks at ${url}/webhooks/notion, API at ${url}/api/v1 (Ctrl-C stops)`,
          );
        const signal = await waitForSignal();
        ctx.err(
          `${signal}: stopping (waiting up to ${config.server.shutdownTimeoutMs} ms for running runs)`,
        );
        const { abandonedJobs } = await service.stop();
        if (abandonedJobs > 0)
          ctx.err(
            `${abandonedJobs} run(s) did not finish in time; the next run of their source resumes from the checkpoint`,
          );
      } finally {
        await queue?.stop({ graceful: false, timeoutMs: 2_000 });
        await store.close();
      }
    });
}
