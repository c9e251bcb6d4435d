import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { verifyWebhookSignature } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver } from './webhooks/receiver-test-support.ts';

const BIN = new URL('../../bin/notion-sync.js', import.meta.url).pathname;

interface Started {
  baseUrl: string;
  token: string;
  workspaceId: string;
  rootPageId: string;
  webhookVerificationToken?: string;
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

/** Lines of a plain (not --json) start, up to the banner's last line. */
function startBanner(args: string[]): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.includes('Ctrl-C stops it')) resolve({ child, lines });
    });
    child.once('exit', (code) => reject(new Error(`emulator exited early with ${code}`)));
  });
}

describe('notion-sync emulator: banner, webhooks and OAuth flags', () => {
  it('tells how to point notion-sync at it and lists the demo databases with their ids', async () => {
    const { child, lines } = await startBanner(['--seed', 'demo', '--rate-limit', '0']);
    child.kill('SIGKILL');
    const text = lines.join('\n');
    expect(text).toMatch(/NOTION_BASE_URL=http:\/\/127\.0\.0\.1:\d+ NOTION_TOKEN=ntn_\w+/);
    expect(text).toMatch(/Projects +[0-9a-f-]{36} \/ [0-9a-f-]{36}/);
    expect(text).toMatch(/Tasks +[0-9a-f-]{36} \/ [0-9a-f-]{36}/);
  }, 60_000);

  it('subscribes --webhook-url, verified, and registers --oauth-client', async () => {
    const receiver = await startTestReceiver();
    const clientId = '3f2a9c1e-0000-4000-8000-000000000001';
    const redirect = 'http://127.0.0.1:9/oauth/callback';
    const { child, info } = await startEmulator([
      '--rate-limit',
      '0',
      '--webhook-url',
      receiver.url,
      '--webhook-aggregate-ms',
      '0',
      '--oauth-client',
      `${clientId}:secret_cli:${redirect}`,
    ]);
    try {
      await receiver.waitFor(1);
      expect(receiver.received[0]!.json).toEqual({
        verification_token: info.webhookVerificationToken,
      });
      const created = await fetch(`${info.baseUrl}/v1/pages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${info.token}`,
          'notion-version': '2026-03-11',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ parent: { page_id: info.rootPageId }, properties: {} }),
      });
      expect(created.status).toBe(200);
      await receiver.waitFor(3);
      const delivery = receiver.received.find((r) => r.json.type === 'page.created')!;
      expect(
        await verifyWebhookSignature({
          body: delivery.body,
          signature: String(delivery.headers['x-notion-signature']),
          verificationToken: info.webhookVerificationToken!,
        }),
      ).toBe(true);
      const consent = await fetch(`${info.baseUrl}/__emulator/oauth/consent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId, redirectUri: redirect, pageIds: [info.rootPageId] }),
      });
      const { code } = (await consent.json()) as { code: string };
      const token = await fetch(`${info.baseUrl}/v1/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:secret_cli`).toString('base64')}`,
          'content-type': 'application/json',
          'notion-version': '2026-03-11',
        },
        body: JSON.stringify({ grant_type: 'authorization_code', code, redirect_uri: redirect }),
      });
      expect(token.status).toBe(200);
      expect(await token.json()).toMatchObject({
        token_type: 'bearer',
        workspace_id: info.workspaceId,
      });
    } finally {
      child.kill('SIGKILL');
      await receiver.close();
    }
  });

  it('refuses a malformed --oauth-client with a usage error', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'emulator', '--port', '0', '--oauth-client', 'nonsense'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
  });
});

describe('notion-sync emulator --workspace-rate-limit', () => {
  it('refuses a second integration with workspace_rate_limit once the workspace budget is spent', async () => {
    const { child, info } = await startEmulator([
      '--rate-limit',
      '3',
      '--burst',
      '2',
      '--workspace-rate-limit',
      '1',
    ]);
    try {
      const me = (token: string) =>
        fetch(`${info.baseUrl}/v1/users/me`, {
          headers: { authorization: `Bearer ${token}`, 'notion-version': '2026-03-11' },
        });
      const other = (await (
        await fetch(`${info.baseUrl}/__emulator/integrations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Other' }),
        })
      ).json()) as { token: string };
      expect([(await me(info.token)).status, (await me(info.token)).status]).toEqual([200, 200]);
      // The other integration's own bucket is full; the workspace's is not.
      const refused = await me(other.token);
      expect(refused.status).toBe(429);
      const body = (await refused.json()) as { additional_data: { rate_limit_reason: string } };
      expect(body.additional_data.rate_limit_reason).toBe('workspace_rate_limit');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
