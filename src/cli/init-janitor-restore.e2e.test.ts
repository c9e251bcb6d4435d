// `init`, `janitor` and `restore` as a user runs them against an emulator on a socket: exit 4
// while a plan has pending changes (`init --plan`, `restore` without --yes and without a TTY), 0
// once nothing is pending; a missing declared database names `notion-sync init`; `config check`
// reports every bad declaration with its key path; `status` shows what init created.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { runCliCaptured } from './test-support.ts';

describe('init, janitor and restore commands', () => {
  let emu: Emulator;
  let server: RunningServer;

  beforeAll(async () => {
    emu = await createEmulator();
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  function workspace(yaml: (root: string) => string) {
    const cwd = mkdtempSync(join(tmpdir(), 'ns-init-cli-'));
    writeFileSync(
      join(cwd, 'notion-sync.config.yaml'),
      `store: ${join(cwd, 'copy.db')}\n${yaml(emu.rootPageId)}`,
    );
    const env = {
      NOTION_TOKEN: emu.token,
      NOTION_BASE_URL: server.baseUrl,
      NOTION_SYNC_RPS: '1000',
      NOTION_SYNC_BURST: '1000',
    };
    return (argv: string[], answers?: string) => {
      const stdin =
        answers === undefined ? undefined : Object.assign(new PassThrough(), { isTTY: true });
      stdin?.end(answers);
      return runCliCaptured(argv, { cwd, env, ...(stdin ? { stdin } : {}) });
    };
  }

  const declared = (root: string) => `sources:
  - name: teams
    parent: ${root}
    retention: { keepVersions: 3 }
    schema:
      Name: title
      Status: { type: select, options: [active, on_hold, completed] }
      Score: number
      Members: { type: relation, source: people }
  - name: people
    parent: ${root}
    schema: { Name: title, Email: email }
`;

  it('init --plan exits 4 with the creations, init --yes creates, then --plan exits 0', async () => {
    const cli = workspace(declared);
    const missing = await cli(['pull', 'teams']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('notion-sync init teams');
    const plan = await cli(['init', '--plan']);
    expect(plan.status).toBe(4);
    expect(plan.stdout).toContain('create database "people"');
    expect(plan.stdout).toContain('create database "teams"');
    const notty = await cli(['init']);
    expect(notty.status).toBe(4);
    expect(notty.stderr).toContain('--yes');
    const applied = await cli(['init', '--yes']);
    expect(applied.status).toBe(0);
    const again = await cli(['init', '--plan']);
    expect([again.status, again.stdout.trim()]).toEqual([
      0,
      'No changes: every declared schema matches Notion.',
    ]);
    const status = await cli(['status']);
    expect(status.stdout).toMatch(/created by init: database [0-9a-f-]{36}/);
    expect((await cli(['pull'])).status).toBe(0);

    const janitor = await cli(['janitor', '--dry-run', '--json']);
    expect(janitor.status).toBe(0);
    expect(JSON.parse(janitor.stdout)).toMatchObject({ dryRun: true, duplicates: [], orphans: [] });
  });

  it('on a terminal, pull offers init for a missing database, and init asks before applying', async () => {
    const cli = workspace(declared);
    const declined = await cli(['init'], 'n\n');
    expect(declined.status).toBe(4);
    expect(declined.stderr).toContain('Apply this plan to Notion? [y/N]');
    const offered = await cli(['pull', 'people'], 'y\n');
    expect(offered.status).toBe(1);
    expect(offered.stderr).toContain('Create it now from the declared schema');
    expect(offered.stderr).toContain('init: applied 1 step(s)');
    expect((await cli(['pull', 'people'])).status).toBe(0);
  });

  it('restore without --yes off a TTY prints the plan and exits 4; with --yes it writes', async () => {
    const cli = workspace(declared);
    expect((await cli(['init', '--yes'])).status).toBe(0);
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as {
      sources: { name: string; declared: { dataSourceId: string } }[];
    };
    const ds = status.sources.find((s) => s.name === 'teams')!.declared.dataSourceId;
    const page = await emu.client().pages.create({
      parent: { data_source_id: ds },
      properties: { Name: { title: [{ text: { content: 'A' } }] }, Score: { number: 1 } },
    } as never);
    expect((await cli(['pull', 'teams'])).status).toBe(0);
    await emu.client().pages.update({
      page_id: page.id,
      properties: { Score: { number: 99 } },
    } as never);
    expect((await cli(['pull', 'teams'])).status).toBe(0);
    const planned = await cli(['restore', page.id, '--to-version', '1']);
    expect(planned.status).toBe(4);
    expect(planned.stdout).toContain('Score: 99 → 1');
    expect(planned.stdout).toContain('content is not restored');
    const done = await cli(['restore', page.id, '--to-version', '1', '--yes']);
    expect(done.status).toBe(0);
    const live = (await emu.client().pages.retrieve({ page_id: page.id })) as unknown as {
      properties: { Score: { number: number } };
    };
    expect(live.properties.Score.number).toBe(1);
    const early = await cli(['restore', 'teams', '--as-of', '2001-01-01T00:00:00Z', '--json']);
    expect(early.status).toBe(2);
    expect(JSON.parse(early.stdout).error.code).toBe('restore_before_history');
  });

  it('config check reports every bad declaration with its key path', async () => {
    const cli = workspace(
      (root) => `sources:
  - name: teams
    parent: ${root}
    schema:
      Name: title
      Kind: { type: dropdown }
      Status: { type: select, options: [a, b, a] }
      Members: { type: relation, source: nobody }
      A: { type: number, renamedFrom: B }
      B: { type: number, renamedFrom: A }
  - name: loose
    schema: { Name: title }
`,
    );
    const check = await cli(['config', 'check']);
    expect(check.status).toBe(2);
    for (const path of [
      'sources[0].schema.Kind.type',
      'sources[0].schema.Status.options[2]',
      'sources[0].schema.Members.source',
      'sources[0].schema.A.renamedFrom',
      'sources[1].parent',
    ])
      expect(check.stderr + check.stdout).toContain(path);
  });
});
