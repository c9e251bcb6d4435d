import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { DemoWorkspace, Emulator } from '../../emulator/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { CliContext } from '../context.ts';
import { runCli } from '../main.ts';
import { runWorkersDemo } from './demo-workers.ts';

function parseWorkers(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 16)
    throw new NotionSyncError('usage', `--workers ${text}: give a whole number of workers, 1–16`);
  return n;
}

import { runWikiStep } from './demo-wiki-step.ts';

interface DemoOptions {
  dir: string;
  rateLimit: string;
  workers?: string;
}

/**
 * `notion-sync demo`: the whole product on its embedded defaults, offline. An emulated Notion
 * workspace is served on a loopback port, and the demo drives the real CLI against it exactly
 * as a user would: config file, `pull`, edits made in "Notion", `pull` again, `status`, `history`,
 * then the wiki as Markdown files: a file edited, `sync`, the change in Notion and in history.
 */
export function registerDemoCommand(program: Command, context: () => CliContext): void {
  program
    .command('demo')
    .description(
      'run notion-sync end to end against an emulated Notion workspace (no token, no network)',
    )
    .option('--dir <path>', 'where the demo writes its config and SQLite store', 'notion-sync-demo')
    .option('--rate-limit <rps>', 'requests per second the emulator allows (0: no limit)', '3')
    .option(
      '--workers <n>',
      'run it scaled out instead: embedded PostgreSQL, one `serve` and n `worker` processes',
    )
    .action(async (options: DemoOptions) => runDemo(context(), options));
}

async function runDemo(ctx: CliContext, options: DemoOptions): Promise<void> {
  const rps = Number(options.rateLimit);
  if (!Number.isFinite(rps) || rps < 0) {
    throw new NotionSyncError(
      'usage',
      `--rate-limit ${options.rateLimit}: give a number ≥ 0 (0 turns the limit off)`,
    );
  }
  const dir = resolve(ctx.io.cwd, options.dir);
  const dbFile = join(dir, 'notion-sync.db');
  mkdirSync(dir, { recursive: true });
  // A previous demo's store points at another emulated workspace; start from a clean file.
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
  rmSync(join(dir, 'wiki'), { recursive: true, force: true });

  step(ctx, 1, 'Starting the Notion API emulator with the demo workspace');
  // Loaded on use: the emulator (hono, its routes) stays out of every other command's process.
  const { createEmulator } = await import('../../emulator/index.ts');
  const emulator = await createEmulator({
    seed: 'demo',
    rateLimit: rps > 0 ? { requestsPerSecond: rps, burst: 10 } : false,
  });
  const server = await emulator.listen({ port: 0, host: '127.0.0.1' });
  const demo = emulator.demo as DemoWorkspace;
  try {
    ctx.out(
      `   ${server.baseUrl} — a wiki page tree, ${demo.projectCount} projects, ${demo.taskCount} tasks`,
    );
    if (rps > 0)
      ctx.out(`   (it allows ${rps} requests/second, as Notion does; notion-sync paces itself)`);

    if (options.workers !== undefined) {
      const workers = parseWorkers(options.workers);
      const cli = (argv: string[]) => runStep(ctx, dir, emulator, argv);
      await runWorkersDemo(
        ctx,
        { dir, workers, emulator, baseUrl: server.baseUrl },
        { step: (n, text) => step(ctx, n, text), cli },
      );
      return;
    }
    const configFile = join(dir, 'notion-sync.config.yaml');
    writeDemoConfig(configFile, dbFile, server.baseUrl, demo);
    step(ctx, 2, `Wrote ${shown(ctx, configFile)} with three sources: tasks, projects, wiki`);

    const cli = (argv: string[]) => runStep(ctx, dir, emulator, ['--config', configFile, ...argv]);
    step(ctx, 3, 'First pull: everything, with each page of rows committed with its checkpoint');
    await cli(['pull']);

    const edited = await editTasks(emulator, demo);
    step(
      ctx,
      4,
      `Edited ${edited.length} tasks in Notion as Ada Lovelace would (status, title, priority)`,
    );

    step(ctx, 5, 'Second pull: incremental — only what changed is fetched and versioned');
    await cli(['pull']);

    step(ctx, 6, 'Status of every source');
    await cli(['status']);

    const first = edited[0] as string;
    step(ctx, 7, `History of one edited task, with what changed`);
    await cli(['history', first, '--diff']);

    let n = 8;
    const folder = join(dir, 'wiki');
    await runWikiStep({ ctx, emulator, folder, cli, step: (text) => step(ctx, n++, text) });

    step(ctx, n, 'Done. Your data is a plain SQLite file with one view per source:');
    ctx.out(`   ${dbFile}`);
    ctx.out(
      `   sqlite3 ${shown(ctx, dbFile)} 'select "Name", "Status", "Priority" from tasks limit 5'`,
    );
    ctx.out(`   npx notion-sync --config ${shown(ctx, configFile)} history ${first} --diff`);
    ctx.out(
      `   and the wiki as Markdown files in ${shown(ctx, folder)} (edit one, then \`sync wiki\`)`,
    );
  } finally {
    await server.close();
  }
}

function writeDemoConfig(file: string, dbFile: string, baseUrl: string, demo: DemoWorkspace): void {
  const config = {
    store: dbFile,
    notion: { baseUrl },
    sources: [
      { name: 'tasks', database: demo.tasksDatabaseId },
      { name: 'projects', database: demo.projectsDatabaseId },
      {
        name: 'wiki',
        page: demo.wikiPageId,
        content: 'markdown',
        direction: 'both',
        target: { folder: join(dirname(file), 'wiki') },
      },
    ],
  };
  const header =
    '# Written by `notion-sync demo`. The token comes from NOTION_TOKEN (the demo sets it).\n';
  writeFileSync(file, header + stringify(config));
}

/** Runs one CLI command in-process, on the same terminal, with the emulator's token. */
async function runStep(ctx: CliContext, dir: string, emulator: Emulator, argv: string[]) {
  const env = { ...ctx.io.env, NOTION_TOKEN: emulator.token };
  const status = await runCli(argv, { ...ctx.io, env, cwd: dir });
  if (status !== 0) {
    throw new NotionSyncError(
      'internal',
      `the demo step \`notion-sync ${argv.slice(2).join(' ')}\` exited with ${status}`,
    );
  }
}

/** Edits three tasks the way a person would in the Notion app. */
async function editTasks(emulator: Emulator, demo: DemoWorkspace): Promise<string[]> {
  const rows = await emulator.client().dataSources.query({
    data_source_id: demo.tasksDataSourceId,
    page_size: 3,
    filter: { property: 'Done', checkbox: { equals: false } },
  });
  const ids = rows.results.map((row) => row.id);
  const [a, b, c] = ids;
  if (!a || !b || !c)
    throw new NotionSyncError('internal', 'the demo workspace has too few open tasks');
  emulator.control.editAsUser(a, {
    Status: { status: { name: 'Done' } },
    Done: { checkbox: true },
  });
  emulator.control.editAsUser(b, {
    Name: { title: [{ type: 'text', text: { content: 'Ship the offline demo' } }] },
  });
  // A real change whatever the seed gave this row: Urgent unless it already is.
  const third = rows.results[2] as { properties?: Record<string, { select?: { name?: string } }> };
  const priority = third.properties?.Priority?.select?.name === 'Urgent' ? 'Low' : 'Urgent';
  emulator.control.editAsUser(c, { Priority: { select: { name: priority } } });
  return ids;
}

function step(ctx: CliContext, n: number, text: string): void {
  ctx.out(`\n${ctx.color ? `\u001b[1m${n}. ${text}\u001b[22m` : `${n}. ${text}`}`);
}

function shown(ctx: CliContext, file: string): string {
  const rel = relative(ctx.io.cwd, file);
  return rel.startsWith('..') ? file : rel;
}
