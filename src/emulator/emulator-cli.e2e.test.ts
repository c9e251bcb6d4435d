import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/notion-sync.js', import.meta.url).pathname;

interface Started {
  baseUrl: string;
  token: string;
  workspaceId: string;
  rootPageId: string;
}

function startEmulator(args: string[]): Promise<{ child: ChildProcess; info: Started }> {
  const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve({ child, info: JSON.parse(line) as Started }));
    child.once('exit', (code) => reject(new Error(`emulator exited early with ${code}`)));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('notion-sync emulator (standalone, real socket)', () => {
  let dir: string;
  let child: ChildProcess;
  let info: Started;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emu-cli-'));
    ({ child, info } = await startEmulator([
      '--rate-limit',
      '3',
      '--burst',
      '10',
      '--state',
      join(dir, 'state.json'),
    ]));
  });
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  const me = () =>
    fetch(`${info.baseUrl}/v1/users/me`, {
      headers: { authorization: `Bearer ${info.token}`, 'notion-version': '2026-03-11' },
    });

  it('prints base URL, token, workspace and root page as the first JSON line', () => {
    expect(info.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.token).toMatch(/^ntn_/);
    expect(info.rootPageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a burst of 40 with 429 + Retry-After for the excess, and none once the client waits', async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, () => me()));
    const limited = responses.filter((r) => r.status === 429);
    expect(responses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(10);
    expect(limited.length).toBeGreaterThanOrEqual(25);
    const waits = limited.map((r) => r.headers.get('retry-after') ?? '');
    for (const wait of waits) expect(wait).toMatch(/^[1-9]\d*$/);
    const body = (await limited[0]!.json()) as {
      code: string;
      additional_data: { rate_limit_reason: string };
    };
    expect(body.code).toBe('rate_limited');
    await sleep(Math.max(...waits.map(Number)) * 1000);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await me()).status);
      await sleep(340);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('drops the socket on a reset fault set through the control API', async () => {
    await fetch(`${info.baseUrl}/__emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ route: 'GET /v1/users/me', reset: true, count: 1 }] }),
    });
    await sleep(1000);
    await expect(me()).rejects.toThrow(TypeError);
    const log = (await (await fetch(`${info.baseUrl}/__emulator/requests`)).json()) as {
      requests: { route: string }[];
    };
    expect(log.requests.some((r) => r.route === 'GET /v1/users/me')).toBe(true);
  });

  it('saves --state on SIGTERM and loads it on the next start', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const file = join(dir, 'state.json');
    expect(existsSync(file)).toBe(true);
    expect(await readFile(file, 'utf8')).toContain(info.rootPageId);
    const again = await startEmulator(['--state', file]);
    try {
      expect(again.info.rootPageId).toBe(info.rootPageId);
      expect(again.info.token).toBe(info.token);
    } finally {
      again.child.kill('SIGKILL');
    }
  });
});
