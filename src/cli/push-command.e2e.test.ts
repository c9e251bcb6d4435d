// set/new/rm, push, sync and conflicts as a user runs them against a standalone emulator on a
// socket: config file, NOTION_TOKEN and NOTION_BASE_URL from the environment; exit status 3 while
// a conflict stays open, value_invalid for bad values, dead-lettered items in `status`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { runCliCaptured } from './test-support.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });

describe('push, sync, set/new/rm and conflicts commands', () => {
  let emu: Emulator;
  let server: RunningServer;
  let dsId: string;
  let ids: string[];

  beforeAll(async () => {
    emu = await createEmulator();
    dsId = await createDataSource(emu.client(), emu.rootPageId, {
      Name: { title: {} },
      N: { number: {} },
      Double: { formula: { expression: 'prop("N") * 2' } },
    });
    ids = emu.control.bulkCreatePages(
      dsId,
      Array.from({ length: 3 }, (_, i) => ({ Name: title(`r${i}`), N: { number: i } })),
    );
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  function workspace() {
    const cwd = mkdtempSync(join(tmpdir(), 'ns-push-cli-'));
    writeFileSync(
      join(cwd, 'notion-sync.config.yaml'),
      `store: ${join(cwd, 'copy.db')}\nsources:\n  - { name: tasks, database: ${dsId}, direction: both }\n`,
    );
    const env = {
      NOTION_TOKEN: emu.token,
      NOTION_BASE_URL: server.baseUrl,
      NOTION_SYNC_RPS: '1000',
      NOTION_SYNC_BURST: '1000',
    };
    return (argv: string[]) => runCliCaptured(argv, { cwd, env });
  }

  it('edits, pushes, parks a conflict with exit 3, resolves it and syncs clean', async () => {
    const cli = workspace();
    expect((await cli(['pull'])).status).toBe(0);
    const bad = await cli(['set', 'tasks', ids[0]!, 'N=abc', '--json']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('value_invalid');
    const computed = await cli(['set', 'tasks', ids[0]!, 'Double=4', '--json']);
    expect(JSON.parse(computed.stdout).error.code).toBe('value_invalid');

    expect((await cli(['set', 'tasks', ids[0]!, 'N=40'])).status).toBe(0);
    const created = await cli(['new', 'tasks', 'Name=fresh', 'N=5', '--json']);
    expect(created.status).toBe(0);
    const dry = await cli(['push', '--dry-run']);
    expect(dry.stdout).toContain('Planned writes (2)');
    const pushed = await cli(['push']);
    expect(pushed.status).toBe(0);
    expect(pushed.stderr).toContain('notice: Created the text property "notion-sync key"');

    expect((await cli(['set', 'tasks', ids[1]!, 'N=10'])).status).toBe(0);
    emu.control.editAsUser(ids[1]!, { N: { number: 20 } });
    const conflicted = await cli(['sync']);
    expect(conflicted.status).toBe(3);
    const listed = await cli(['conflicts', '--json']);
    const [conflict] = JSON.parse(listed.stdout).conflicts as { conflict: { id: number } }[];
    expect(
      (await cli(['conflicts', 'resolve', String(conflict!.conflict.id), '--take', 'value=15']))
        .status,
    ).toBe(0);
    expect((await cli(['sync'])).status).toBe(0);
    const page = (await emu.client().pages.retrieve({ page_id: ids[1]! })) as unknown as {
      properties: { N: { number: number } };
    };
    expect(page.properties.N.number).toBe(15);

    expect((await cli(['rm', 'tasks', ids[2]!])).status).toBe(0);
    expect((await cli(['push'])).status).toBe(0);
    const trashed = (await emu.client().pages.retrieve({ page_id: ids[2]! })) as unknown as {
      in_trash: boolean;
    };
    expect(trashed.in_trash).toBe(true);
  });

  it('dead-letters a write Notion refuses, shows it in status, and --retry-dead requeues it', async () => {
    const cli = workspace();
    expect((await cli(['pull'])).status).toBe(0);
    await emu.client().dataSources.update({
      data_source_id: dsId,
      properties: { Extra: { number: {} } },
    });
    expect((await cli(['pull'])).status).toBe(0);
    expect((await cli(['set', 'tasks', ids[0]!, 'Extra=3'])).status).toBe(0);
    await emu.client().dataSources.update({ data_source_id: dsId, properties: { Extra: null } });
    const pushed = await cli(['push', '--json']);
    expect(pushed.status).toBe(1);
    expect(JSON.parse(pushed.stdout).sources[0].counts.dead).toBe(1);
    const status = await cli(['status']);
    expect(status.stdout).toMatch(/outbox: +0 pending, 1 dead/);
    const json = await cli(['status', '--json']);
    expect(JSON.parse(json.stdout).sources[0].outbox.dead[0].lastError).toBeTruthy();
    await emu.client().dataSources.update({
      data_source_id: dsId,
      properties: { Extra: { number: {} } },
    });
    expect((await cli(['pull'])).status).toBe(0);
    expect((await cli(['push', '--retry-dead'])).status).toBe(0);
  });

  it('asks on a TTY under the prompt policy; [L] takes local for the rest of the run', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ns-push-cli-'));
    writeFileSync(
      join(cwd, 'notion-sync.config.yaml'),
      `store: ${join(cwd, 'copy.db')}\nsources:\n  - { name: tasks, database: ${dsId}, direction: both, conflictPolicy: prompt }\n`,
    );
    const env = {
      NOTION_TOKEN: emu.token,
      NOTION_BASE_URL: server.baseUrl,
      NOTION_SYNC_RPS: '1000',
    };
    expect((await runCliCaptured(['pull'], { cwd, env })).status).toBe(0);
    for (const [i, id] of ids.slice(0, 2).entries()) {
      expect(
        (await runCliCaptured(['set', 'tasks', id, `N=${500 + i}`], { cwd, env })).status,
      ).toBe(0);
      emu.control.editAsUser(id, { N: { number: 600 + i } });
    }
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    stdin.end('x\nL\n');
    const run = await runCliCaptured(['push'], { cwd, env, stdin });
    expect(run.status).toBe(0);
    expect(
      run.stderr.match(/\[n\]otion \[l\]ocal \[s\]kip \[N\] all Notion \[L\] all local/g),
    ).toHaveLength(2);
    for (const [i, id] of ids.slice(0, 2).entries()) {
      const page = (await emu.client().pages.retrieve({ page_id: id })) as unknown as {
        properties: { N: { number: number } };
      };
      expect(page.properties.N.number).toBe(500 + i);
    }
  });

  it('refuses to edit a pull-only source with a usage error', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ns-push-cli-'));
    writeFileSync(
      join(cwd, 'notion-sync.config.yaml'),
      `store: ${join(cwd, 'copy.db')}\nsources:\n  - { name: tasks, database: ${dsId} }\n`,
    );
    const run = await runCliCaptured(['set', 'tasks', ids[0]!, 'N=1', '--json'], {
      cwd,
      env: { NOTION_TOKEN: emu.token, NOTION_BASE_URL: server.baseUrl },
    });
    expect(run.status).toBe(2);
  });
});
