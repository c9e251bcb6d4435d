// Invariant: a source whose configured database changes is refused (`source_rebound`, exit 2)
// without touching its history — no row is treated as deleted — and `rebind` starts a fresh
// history while keeping every old record, detached.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { createStore } from '../store/index.ts';
import { runCliCaptured } from './test-support.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });

describe('a source pointed at another database', () => {
  let emu: Emulator;
  let server: RunningServer;
  let first: string;
  let second: string;

  beforeAll(async () => {
    emu = await createEmulator();
    first = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
    second = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
    emu.control.bulkCreatePages(first, [{ Name: title('a1') }, { Name: title('a2') }]);
    emu.control.bulkCreatePages(second, [{ Name: title('b1') }]);
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  it('is refused with both ids and the ways out, and rebind starts a fresh history', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ns-rebind-'));
    const db = join(cwd, 'copy.db');
    const configure = (ds: string) =>
      writeFileSync(
        join(cwd, 'notion-sync.config.yaml'),
        `store: ${db}\nsources:\n  - { name: tasks, database: ${ds} }\n`,
      );
    const env = { NOTION_TOKEN: emu.token, NOTION_BASE_URL: server.baseUrl };
    const cli = (argv: string[]) => runCliCaptured(argv, { cwd, env });

    configure(first);
    expect((await cli(['pull'])).status).toBe(0);
    configure(second);
    const refused = await cli(['pull', '--json']);
    expect(refused.status).toBe(2);
    const doc = JSON.parse(refused.stdout) as { sources: { errors: { code: string }[] }[] };
    expect(doc.sources[0]!.errors[0]!.code).toBe('source_rebound');
    expect(refused.stderr).toContain(first);
    expect(refused.stderr).toContain(second);
    expect(refused.stderr).toContain('notion-sync rebind tasks');
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as {
      sources: { rows: unknown }[];
    };
    expect(status.sources[0]!.rows).toEqual({ live: 2, tombstoned: 0 });

    const plan = await cli(['rebind', 'tasks']);
    expect(plan.status).toBe(4);
    expect(plan.stdout).toContain('--yes');
    const applied = await cli(['rebind', 'tasks', '--yes']);
    expect(applied.status).toBe(0);
    expect((await cli(['pull'])).status).toBe(0);

    const store = await createStore({ url: db });
    try {
      const sources = await store.sources.list();
      const fresh = sources.find((s) => s.name === 'tasks')!;
      const old = sources.find((s) => s.name !== 'tasks')!;
      expect(old).toMatchObject({ accessState: 'detached', viewName: null });
      expect(await store.records.count(old.id)).toEqual({ live: 2, tombstoned: 0 });
      expect(await store.records.count(fresh.id)).toEqual({ live: 1, tombstoned: 0 });
      expect(fresh.viewName).toBe('tasks');
    } finally {
      await store.close();
    }
  });
});
