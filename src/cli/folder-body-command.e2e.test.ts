// A page body edited on both sides, as a user meets it from the CLI against a standalone
// emulator: `sync` parks one conflict and exits 3, the file keeps the local text;
// `conflicts show` prints base → Notion and base → local as unified diffs; `conflicts resolve
// --take local` then `sync` writes the file's body to Notion with a targeted edit.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { emulatorWorkspace } from './test-support.ts';

describe('a body conflict from the CLI', () => {
  let emu: Emulator;
  let server: RunningServer;
  let dsId: string;
  let pageId: string;

  beforeAll(async () => {
    emu = await createEmulator();
    const notion = emu.client({ notionVersion: '2026-03-11' });
    dsId = await createDataSource(notion, emu.rootPageId, { Name: { title: {} } });
    pageId = (
      await notion.pages.create({
        parent: { data_source_id: dsId },
        properties: { Name: { title: [{ text: { content: 'Plan' } }] } },
        markdown: 'One.\nTwo.\nThree.\nFour.\nFive.',
      } as never)
    ).id;
    server = await emu.listen({ port: 0 });
  });
  afterAll(() => server.close());

  it('sync parks it, show diffs it, resolve --take local lands on both sides', async () => {
    const { cwd, cli } = emulatorWorkspace(
      { token: emu.token, baseUrl: server.baseUrl },
      (dir) =>
        `store: ${join(dir, 'copy.db')}\nsources:\n  - name: plans\n    database: ${dsId}\n    direction: both\n    content: markdown\n    target: { folder: plans }\n`,
    );
    expect((await cli(['sync'])).status).toBe(0);
    const [name] = readdirSync(join(cwd, 'plans'));
    const path = join(cwd, 'plans', name!);
    const local = readFileSync(path, 'utf8').replace('Three.', 'Three, from the file.');
    writeFileSync(path, local);
    await emu.client({ notionVersion: '2026-03-11' }).pages.updateMarkdown({
      page_id: pageId,
      type: 'update_content',
      update_content: { content_updates: [{ old_str: 'Three.', new_str: 'Three, from Notion.' }] },
    } as never);

    const sync = await cli(['sync']);
    expect(sync.status).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe(local);
    const listed = await cli(['conflicts', '--json']);
    const conflicts = JSON.parse(listed.stdout).conflicts as { conflict: { id: number } }[];
    expect(conflicts).toHaveLength(1);
    const id = String(conflicts[0]!.conflict.id);

    const show = await cli(['conflicts', 'show', id]);
    expect(show.status).toBe(0);
    expect(show.stdout).toContain('property: (page body)');
    expect(show.stdout).toContain('--- base\n+++ notion\n');
    expect(show.stdout).toContain('-Three.\n+Three, from Notion.');
    expect(show.stdout).toContain('--- base\n+++ local\n');
    expect(show.stdout).toContain('-Three.\n+Three, from the file.');

    expect((await cli(['conflicts', 'resolve', id, '--take', 'local'])).status).toBe(0);
    const resolved = await cli(['sync']);
    expect(resolved.status).toBe(0);
    const served = await emu
      .client({ notionVersion: '2026-03-11' })
      .pages.retrieveMarkdown({ page_id: pageId });
    expect(served.markdown).toBe('One.\nTwo.\nThree, from the file.\nFour.\nFive.');
    expect(readFileSync(path, 'utf8')).toBe(local);
  });
});
