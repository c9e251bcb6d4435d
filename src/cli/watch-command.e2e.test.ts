// `notion-sync watch` as a user runs it: a spawned process watching a folder target against a
// standalone emulator on a socket; a saved frontmatter edit reaches Notion without any other
// command, and SIGTERM stops the watch cleanly (exit 0).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { emulatorWorkspace } from './test-support.ts';

const BIN = fileURLToPath(new URL('../../bin/notion-sync.js', import.meta.url));

describe('notion-sync watch', () => {
  let emu: Emulator;
  let server: RunningServer;
  let dsId: string;
  let pageId: string;

  beforeAll(async () => {
    emu = await createEmulator();
    dsId = await createDataSource(emu.client(), emu.rootPageId, {
      Name: { title: {} },
      Size: { number: {} },
    });
    const page = await emu.client().pages.create({
      parent: { data_source_id: dsId },
      properties: { Name: { title: [{ text: { content: 'red' } }] }, Size: { number: 1 } },
    } as never);
    pageId = page.id;
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  it('pushes a saved file and stops on SIGTERM', async () => {
    const emulator = { token: emu.token, baseUrl: server.baseUrl };
    const { cwd, cli } = emulatorWorkspace(
      emulator,
      (dir) =>
        `store: ${join(dir, 'copy.db')}\nsources:\n  - name: teams\n    database: ${dsId}\n    direction: both\n    target: { folder: teams }\n`,
    );
    expect((await cli(['sync'])).status).toBe(0);
    const child = spawn(process.execPath, [BIN, 'watch'], {
      cwd,
      env: {
        PATH: process.env.PATH,
        NOTION_TOKEN: emu.token,
        NOTION_BASE_URL: server.baseUrl,
        NOTION_SYNC_RPS: '1000',
        NOTION_SYNC_BURST: '1000',
      },
    });
    let stdout = '';
    let stderr = '';
    const waiters: (() => void)[] = [];
    const notify = () => {
      for (const waiter of waiters) waiter();
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      notify();
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      notify();
    });
    const waitFor = (stream: 'out' | 'err', text: string) =>
      new Promise<void>((resolve, reject) => {
        waiters.push(() => {
          if ((stream === 'out' ? stdout : stderr).includes(text)) resolve();
        });
        child.on('exit', (code) => reject(new Error(`watch exited ${code}: ${stderr}`)));
      });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const watching = waitFor('err', 'watching the folders');
    const synced = waitFor('out', 'teams (folder): scan 1 files: 0 new, 1 changed');
    await watching;
    const [file] = readdirSync(join(cwd, 'teams'));
    const path = join(cwd, 'teams', file!);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^Size: .*$/m, 'Size: 5'));
    await synced;
    const page = (await emu.client().pages.retrieve({ page_id: pageId })) as unknown as {
      properties: { Size: { number: number } };
    };
    expect(page.properties.Size.number).toBe(5);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGTERM: stopping');
  });
});
