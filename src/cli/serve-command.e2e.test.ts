// The `serve` and `webhooks token` commands as processes: serve listens, receives the
// emulator's handshake, the operator reads and accepts the token from another process, status
// shows it, and SIGTERM stops serve cleanly. Bad exposure and a bad cron expression refuse to
// start with their codes.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { runCliCaptured } from './test-support.ts';

const BIN = new URL('../../bin/notion-sync.js', import.meta.url).pathname;
const SECRET_KEY = Buffer.alloc(32, 3).toString('base64');

let emu: Emulator;
let server: RunningServer;
let dsId: string;

beforeAll(async () => {
  emu = await createEmulator();
  dsId = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
  server = await emu.listen({ port: 0 });
});
afterAll(() => server.close());

function workspace(source = `  - { name: tasks, dataSource: ${dsId}, schedule: "0 */6 * * *" }`) {
  const cwd = mkdtempSync(join(tmpdir(), 'ns-serve-cli-'));
  writeFileSync(
    join(cwd, 'notion-sync.config.yaml'),
    `store: ${join(cwd, 'copy.db')}\nsources:\n${source}\n`,
  );
  const env = {
    NOTION_TOKEN: emu.token,
    NOTION_BASE_URL: server.baseUrl,
    NOTION_SYNC_SECRET_KEY: SECRET_KEY,
    NOTION_SYNC_LOG_LEVEL: 'warn',
  };
  return { cwd, env, cli: (argv: string[]) => runCliCaptured(argv, { cwd, env }) };
}

function startServe(cwd: string, env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', ...args], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /"url": "([^"]+)"/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return { child: child as ChildProcess, listening, exited, output: () => ({ stdout, stderr }) };
}

describe('notion-sync serve', () => {
  it('receives a handshake, the token is read and accepted from the CLI, SIGTERM stops it', async () => {
    const { cwd, env, cli } = workspace();
    const serve = startServe(cwd, env);
    const url = await serve.listening;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const sources = (await (await fetch(`${url}/api/v1/sources`)).json()) as {
      sources: { name: string; schedule: { nextRunAt: string } }[];
    };
    expect(sources.sources[0]).toMatchObject({
      name: 'tasks',
      schedule: { nextRunAt: expect.stringMatching(/T(00|06|12|18):00:00/) },
    });

    const sub = emu.control.webhooks.subscribe({ url: `${url}/webhooks/notion` });
    await emu.control.webhooks.idle();
    const shown = await cli(['webhooks', 'token']);
    expect(shown.status).toBe(0);
    expect(shown.stdout.trim()).toBe(sub.verificationToken);
    expect(serve.output().stderr).not.toContain(sub.verificationToken);
    expect((await cli(['webhooks', 'token', '--accept'])).status).toBe(0);
    expect((await cli(['webhooks', 'token'])).status).toBe(1);
    const status = await cli(['status']);
    expect(status.stdout).toMatch(/key accepted \d{4}-/);
    expect(status.stdout).toMatch(/schedule: {7}0 \*\/6 \* \* \* \(UTC\); next run/);
    expect((await cli(['webhooks', 'token', 'other'])).status).toBe(1);
    emu.control.webhooks.remove(sub.id);

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.output().stderr).toContain('SIGTERM: stopping');
  });

  it('refuses a non-loopback host without NOTION_SYNC_API_TOKEN', async () => {
    const { cwd, env } = workspace();
    const serve = startServe(cwd, env, ['--host', '0.0.0.0']);
    await serve.listening.catch(() => {});
    expect(await serve.exited).toBe(1);
    expect(serve.output().stderr).toContain('NOTION_SYNC_API_TOKEN');
  });

  it('refuses a bad cron expression at load, naming its key', async () => {
    const { cli } = workspace(`  - { name: tasks, dataSource: ${dsId}, schedule: "61 * * * *" }`);
    const run = await cli(['serve', '--port', '0']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('sources[0].schedule');
  });
});
