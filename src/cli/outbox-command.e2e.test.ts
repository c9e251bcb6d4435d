// `outbox`, `set`, `new`/`rm`, `push` and `conflicts` as a user runs them against an emulator on a
// socket (issue 19): a status option the schema lacks is refused at `set`; hex numbers and
// reversed date ranges are refused; dead letters are listed, edited, requeued and dropped through
// `notion-sync outbox`; `push` exits 1 while failed items wait and says when they are due; `new`
// then `rm` sends nothing; conflicts show a state column and property names.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { createStore } from '../store/index.ts';
import { emulatorWorkspace } from './test-support.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });

describe('outbox and hardened edit commands', () => {
  let emu: Emulator;
  let server: RunningServer;
  let dsId: string;
  let ids: string[];

  beforeAll(async () => {
    emu = await createEmulator();
    dsId = await createDataSource(emu.client(), emu.rootPageId, {
      Name: { title: {} },
      Estimate: { number: {} },
      Due: { date: {} },
      Status: { status: {} },
    });
    ids = emu.control.bulkCreatePages(
      dsId,
      Array.from({ length: 3 }, (_, i) => ({ Name: title(`r${i}`), Estimate: { number: i } })),
    );
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  function workspace() {
    const { cwd, cli } = emulatorWorkspace(
      { token: emu.token, baseUrl: server.baseUrl },
      (dir) =>
        `store: ${join(dir, 'copy.db')}\nsources:\n  - { name: tasks, database: ${dsId}, direction: both }\n`,
    );
    return { cli, store: join(cwd, 'copy.db') };
  }

  const errorOf = (stdout: string) => JSON.parse(stdout).error as { code: string; message: string };

  it('refuses values Notion would refuse, at set, naming the fix', async () => {
    const { cli } = workspace();
    expect((await cli(['pull'])).status).toBe(0);
    const bogus = await cli(['set', 'tasks', ids[0]!, 'Status=Bogus', 'Estimate=5', '--json']);
    expect(bogus.status).toBe(1);
    expect(errorOf(bogus.stdout).code).toBe('value_invalid');
    expect(errorOf(bogus.stdout).message).toMatch(/"Not started", "In progress", "Done"/);
    for (const arg of ['Estimate=0x10', 'Due=2026-02-02..2026-01-31']) {
      const run = await cli(['set', 'tasks', ids[0]!, arg, '--json']);
      expect(errorOf(run.stdout).code, arg).toBe('value_invalid');
    }
    const listed = await cli(['outbox', 'list', '--json']);
    expect(JSON.parse(listed.stdout).outbox).toEqual([]);
  });

  it('lists, shows, edits, requeues and drops dead letters', async () => {
    const { cli } = workspace();
    type Update = Parameters<ReturnType<typeof emu.client>['dataSources']['update']>[0];
    await emu.client().dataSources.update({
      data_source_id: dsId,
      properties: { Extra: { number: {} } },
    } as Update);
    expect((await cli(['pull'])).status).toBe(0);
    expect((await cli(['set', 'tasks', ids[1]!, 'Extra=41', 'Status=Done'])).status).toBe(0);
    expect((await cli(['set', 'tasks', ids[2]!, 'Extra=42', 'Estimate=42'])).status).toBe(0);
    // The property is deleted in Notion: Notion refuses both writes for good (dead at once).
    await emu.client().dataSources.update({
      data_source_id: dsId,
      properties: { Extra: null },
    } as Update);
    const pushed = await cli(['push']);
    expect(pushed.status).toBe(1);
    expect(pushed.stderr).toContain('notion-sync outbox list --state dead');

    const list = await cli(['outbox', 'list', '--state', 'dead']);
    expect(list.stdout).toMatch(/update +dead .*Extra=41 Status="Done"/);
    const [first, second] = JSON.parse((await cli(['outbox', '--json'])).stdout).outbox as {
      item: { id: number };
    }[];
    const show = await cli(['outbox', 'show', String(first!.item.id)]);
    expect(show.stdout).toMatch(/last error: +\S/);
    const bad = await cli(['outbox', 'edit', String(first!.item.id), 'Status=Bogus', '--json']);
    expect(errorOf(bad.stdout).code).toBe('value_invalid');
    const edited = await cli([
      'outbox',
      'edit',
      String(first!.item.id),
      'Estimate=41',
      '--unset',
      'Extra',
    ]);
    expect(edited.stdout).toContain('now sends Status="Done" Estimate=41;');
    const dropped = await cli(['outbox', 'drop', String(second!.item.id)]);
    expect(dropped.stdout).toContain("shows Notion's values again");
    expect((await cli(['pull'])).status).toBe(0);
    expect((await cli(['push'])).status).toBe(0);
    const page = (await emu.client().pages.retrieve({ page_id: ids[1]! })) as unknown as {
      properties: { Status: { status: { name: string } }; Estimate: { number: number } };
    };
    expect([page.properties.Status.status.name, page.properties.Estimate.number]).toEqual([
      'Done',
      41,
    ]);
    const untouched = (await emu.client().pages.retrieve({ page_id: ids[2]! })) as unknown as {
      properties: { Estimate: { number: number } };
    };
    expect(untouched.properties.Estimate.number).toBe(2);
    const after = await cli(['outbox', 'requeue', String(second!.item.id), '--json']);
    expect(errorOf(after.stdout).code).toBe('store_invalid_state');
    expect((await cli(['outbox', 'requeue'])).status).toBe(2);
  });

  it('push exits 1 while failed items wait, says when they are due, and a rerun says so too', async () => {
    const { cli, store: path } = workspace();
    expect((await cli(['pull'])).status).toBe(0);
    expect((await cli(['set', 'tasks', ids[0]!, 'Estimate=7', '--json'])).status).toBe(0);
    // Earlier runs failed five times: the next backoff (64 s) outlasts the run's 60 s wait.
    const store = await createStore({ url: path });
    const [item] = await store.outbox.list({ state: 'pending' });
    for (let i = 0; i < 5; i++) await store.outbox.recordFailure(item!.id, { error: 'HTTP 500' });
    await store.close();
    expect((await cli(['outbox', 'requeue', '--all'])).status).toBe(0);
    emu.control.setFaults([{ route: 'PATCH /v1/pages/{id}', status: 500 }]);
    try {
      const failed = await cli(['push', '--json']);
      expect(failed.status).toBe(1);
      const waiting = JSON.parse(failed.stdout).sources[0].waiting;
      expect(waiting).toMatchObject({ items: 1, nextAttemptAt: expect.any(String) });
      expect(failed.stderr).toContain(
        `1 outbox item(s) failed and wait for a retry, the next at ${waiting.nextAttemptAt}`,
      );
      const rerun = await cli(['push']);
      expect(rerun.status).toBe(0);
      expect(rerun.stdout).toContain(
        `tasks: 1 item(s) wait for a retry, the next at ${waiting.nextAttemptAt}`,
      );
    } finally {
      emu.control.clearFaults();
    }
  });

  it('new then rm before a push creates nothing in Notion', async () => {
    const { cli } = workspace();
    expect((await cli(['pull'])).status).toBe(0);
    const created = JSON.parse((await cli(['new', 'tasks', 'Name=oops', '--json'])).stdout);
    const removed = await cli(['rm', 'tasks', created.key]);
    expect(removed.status).toBe(0);
    expect(removed.stdout).toContain('never pushed');
    const mark = emu.control.requestLog().length;
    expect((await cli(['push'])).status).toBe(0);
    const writes = emu.control
      .requestLog()
      .slice(mark)
      .filter((e) => e.method !== 'GET' && !e.route?.endsWith('/query'));
    expect(writes).toEqual([]);
  });

  it('conflicts show property names and, with --all, a state column', async () => {
    const { cli } = workspace();
    expect((await cli(['pull'])).status).toBe(0);
    expect((await cli(['set', 'tasks', ids[2]!, 'Estimate=3333'])).status).toBe(0);
    await emu.client().pages.update({ page_id: ids[2]!, in_trash: true });
    expect((await cli(['push'])).status).toBe(3);
    const open = await cli(['conflicts']);
    expect(open.stdout).toContain('{"Estimate":3333}');
    const id = String(
      JSON.parse((await cli(['conflicts', '--json'])).stdout).conflicts[0].conflict.id,
    );
    emu.control.emptyTrash();
    const resolved = await cli(['conflicts', 'resolve', id, '--take', 'local']);
    expect(resolved.stdout).toContain("takes the page out of Notion's trash");
    const pushed = await cli(['push']);
    expect(pushed.status).toBe(0);
    expect(pushed.stderr).toContain('gone for good');
    const all = await cli(['conflicts', '--all']);
    expect(all.stdout.split('\n')[0]).toMatch(/^id +state +source/);
    expect(all.stdout).toContain('resolved: local');
  });
});
