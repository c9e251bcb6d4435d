import {
  createNotionClient,
  notionClientOptionsFromConfig,
  notionOAuthFromConfig,
} from '../notion/index.ts';
import { createStore, type Store } from '../store/index.ts';
import { createEngine, type Engine, rateBudgetOf } from '../sync/index.ts';
import type { CliContext } from './context.ts';

export interface OpenEngine {
  engine: Engine;
  store: Store;
  close(): Promise<void>;
}

/**
 * The engine a command works with, built from the loaded config: the store at `store`, and a
 * Notion connection (NOTION_TOKEN, `notion.baseUrl`, pacing) made only when a command reaches
 * Notion, so `status`, `history` and `runs` work without a token.
 */
export async function openEngine(ctx: CliContext): Promise<OpenEngine> {
  const config = ctx.config();
  const logger = ctx.logger();
  const store = await createStore({
    url: config.store,
    // Relative to the directory the command runs in, like every other path it is given.
    baseDir: ctx.io.cwd,
    logger,
    mustExist: ctx.storeMustExist,
    ...(config.secretKey ? { secretKey: config.secretKey } : {}),
    ...(config.files.dir ? { files: { dir: config.files.dir } } : {}),
  });
  const engine = createEngine({
    config,
    store,
    logger,
    files: {
      keep: config.files.keep,
      external: config.files.external,
      maxBytes: config.files.maxBytes,
      totalBytes: config.files.totalBytes ?? null,
    },
    janitor: {
      keepRunsDays: config.janitor.keepRunsDays,
      keepWebhookEventsDays: config.janitor.keepWebhookEventsDays,
    },
    trigger: 'cli',
    env: ctx.io.env,
    oauth: notionOAuthFromConfig(config),
    // A target's `urlEnv` names a variable of this environment (never a password in the file).
    environment: ctx.io.env,
    baseDir: ctx.io.cwd,
    // With a shared rate budget the engine makes the default connection's client itself, so
    // that it spends the budget every process shares; otherwise this plain, locally paced one.
    ...(rateBudgetOf(config) === 'local'
      ? {
          notionFactory: () =>
            createNotionClient(notionClientOptionsFromConfig(config, { logger })),
        }
      : {}),
  });
  return { engine, store, close: () => store.close() };
}

/** Runs `fn` with an open engine and always closes the store. */
export async function withEngine<T>(
  ctx: CliContext,
  fn: (open: OpenEngine) => Promise<T>,
): Promise<T> {
  const open = await openEngine(ctx);
  try {
    return await fn(open);
  } finally {
    await open.close();
  }
}
