// A web page can make the user's browser send "simple" requests (text/plain POSTs) to any
// localhost port, and a DNS-rebinding name can reach it under a foreign Host. The control API
// must refuse both, keep state files under the paths given at start, and never echo a file.

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type RunningServer } from '../index.ts';

interface Answer {
  status: number;
  body: { error?: { code: string; message: string }; ok?: boolean };
}

function post(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const url = new URL(`/__emulator${path}`, baseUrl);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('control API guard', () => {
  let dir: string;
  let server: RunningServer;
  let stateFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emu-guard-'));
    stateFile = join(dir, 'state.json');
    const emu = await createEmulator({ statePaths: { file: stateFile, dir: join(dir, 'saves') } });
    server = await emu.listen({ port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a foreign Host header and writes nothing', async () => {
    const port = new URL(server.baseUrl).port;
    const answer = await post(
      server.baseUrl,
      '/state/save',
      { file: stateFile },
      {
        host: `evil.example:${port}`,
      },
    );
    expect(answer.status).toBe(403);
    expect(answer.body.error?.code).toBe('host_not_allowed');
    expect(existsSync(stateFile)).toBe(false);
    const loopbackAlias = await post(server.baseUrl, '/reset', {}, { host: `localhost:${port}` });
    expect(loopbackAlias.status).toBe(200);
  });

  it('refuses a POST that is not application/json (a cross-site "simple" request)', async () => {
    const answer = await post(
      server.baseUrl,
      '/state/save',
      { file: stateFile },
      {
        'content-type': 'text/plain',
      },
    );
    expect(answer.status).toBe(415);
    expect(answer.body.error?.code).toBe('unsupported_media_type');
    expect(existsSync(stateFile)).toBe(false);
  });

  it('saves and loads only the --state file or files under the state directory', async () => {
    const outside = join(dir, 'elsewhere.json');
    const refused = await post(server.baseUrl, '/state/save', { file: outside });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('state_path_not_allowed');
    expect(existsSync(outside)).toBe(false);
    const escaping = await post(server.baseUrl, '/state/save', { file: '../escape.json' });
    expect(escaping.body.error?.code).toBe('state_path_not_allowed');
    expect((await post(server.baseUrl, '/state/save', {})).status).toBe(200);
    expect(existsSync(stateFile)).toBe(true);
    expect((await post(server.baseUrl, '/state/save', { file: 'one.json' })).status).toBe(200);
    expect(existsSync(join(dir, 'saves', 'one.json'))).toBe(true);
    expect((await post(server.baseUrl, '/state/load', { file: 'one.json' })).status).toBe(200);
  });

  it('never echoes a file it cannot load', async () => {
    const secret = join(dir, 'saves', 'passwd');
    await writeFile(secret, 'root:x:0:0:root:/root:/bin/bash\n');
    const answer = await post(server.baseUrl, '/state/load', { file: 'passwd' });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).not.toContain('root:x');
    const system = await post(server.baseUrl, '/state/load', { file: '/etc/passwd' });
    expect(system.body.error?.code).toBe('state_path_not_allowed');
    expect(JSON.stringify(system.body)).not.toContain('root:');
    expect(await readFile(secret, 'utf8')).toContain('root:x');
  });

  it('reads and writes no file at all when started without state paths', async () => {
    const bare = await createEmulator();
    const running = await bare.listen({ port: 0 });
    try {
      const answer = await post(running.baseUrl, '/state/save', { file: join(dir, 'x.json') });
      expect(answer.body.error?.code).toBe('state_path_not_allowed');
      expect(existsSync(join(dir, 'x.json'))).toBe(false);
    } finally {
      await running.close();
    }
  });
});
