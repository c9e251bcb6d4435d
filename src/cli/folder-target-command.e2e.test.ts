// `pull` and `sync` with a folder target as a user runs them against a standalone emulator on a
// socket: pull writes the files and says so; a file with broken YAML makes sync fail naming the
// file and line (exit 1) while the other files' edits reach Notion, and the file is left as it is.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { emulatorWorkspace } from './test-support.ts';

describe('pull and sync with a folder target', () => {
  let emu: Emulator;
  let server: RunningServer;
  let dsId: string;

  beforeAll(async () => {
    emu = await createEmulator();
    dsId = await createDataSource(emu.client(), emu.rootPageId, {
      Name: { title: {} },
      Size: { number: {} },
    });
    for (const name of ['red', 'blue']) {
      await emu.client().pages.create({
        parent: { data_source_id: dsId },
        properties: { Name: { title: [{ text: { content: name } }] }, Size: { number: 1 } },
      } as never);
    }
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  it('pull writes the files; sync names a broken file and takes the others', async () => {
    const { cwd, cli } = emulatorWorkspace(
      { token: emu.token, baseUrl: server.baseUrl },
      (dir) =>
        `store: ${join(dir, 'copy.db')}\nsources:\n  - name: teams\n    database: ${dsId}\n    direction: both\n    target: { folder: teams }\n`,
    );

    const pull = await cli(['pull']);
    expect(pull.status).toBe(0);
    expect(pull.stdout).toContain('teams (folder): export: 2 written');
    const files = readdirSync(join(cwd, 'teams')).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^blue-[0-9a-f]{8}\.md$/);

    const [blue, red] = files.map((f) => join(cwd, 'teams', f));
    const broken = readFileSync(blue!, 'utf8').replace(/^Size: .*$/m, 'Size: [1');
    writeFileSync(blue!, broken);
    writeFileSync(red!, readFileSync(red!, 'utf8').replace(/^Size: .*$/m, 'Size: 8'));
    const sync = await cli(['sync']);
    expect(sync.status).toBe(1);
    expect(sync.stderr).toMatch(
      new RegExp(
        `file ${files[0]!.replace('.', '\\.')} not taken: ${files[0]!.replace('.', '\\.')}:\\d+: `,
      ),
    );
    expect(readFileSync(blue!, 'utf8')).toBe(broken);
    const pages = (await emu.client().dataSources.query({ data_source_id: dsId })) as unknown as {
      results: { properties: { Size: { number: number } } }[];
    };
    expect(pages.results.map((p) => p.properties.Size.number).sort()).toEqual([1, 8]);
  });
});
