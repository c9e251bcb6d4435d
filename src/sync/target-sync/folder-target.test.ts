// A Markdown folder target (DESIGN.md §5 Targets), on SQLite and PostgreSQL against the emulator's
// demo workspace: pull writes one file per page (page trees as nested folders) in canonical form,
// so a second pull and a sync's scan change no byte and send nothing; names stay stable when a
// title changes; frontmatter edits reach Notion; files we do not manage are never touched.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDemoWorld } from '../../emulator/test-support.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { fileNameFor } from '../../targets/markdown-folder/file-names.ts';
import { createFolderFixture, frontmatter, snapshot } from '../test-support/folder-fixture.ts';
import { PUSH_TEST_START_MS, title } from '../test-support/push-fixture.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-memory');

const setup = (factory: (typeof factories)[number], extra: { rename?: boolean } = {}) =>
  createDemoWorld(PUSH_TEST_START_MS).then((world) =>
    createFolderFixture(factory, world, { tasks: extra }),
  );

describe.each(factories)('folder target on $name', (factory) => {
  it('pull writes canonical files; a second pull and a sync change no byte and send nothing', async () => {
    const t = await setup(factory);
    const first = await t.engine.pull();
    expect(first.ok).toBe(true);
    const wiki = await snapshot(join(t.dir, 'wiki'));
    const roots = [...wiki.keys()].filter((p) => !p.includes('/'));
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatch(/^[a-z0-9-]+-[0-9a-f]{8}\.md$/);
    const nested = [...wiki.keys()].filter((p) => p.split('/').length >= 3);
    expect(nested.length).toBeGreaterThan(0);
    const rootDoc = wiki.get(roots[0]!)!.text;
    expect(frontmatter(rootDoc).notion_id).toBe(t.demo.wikiPageId);
    expect(rootDoc).toContain('\n---\n\n');

    // Files we do not manage, inside the managed folders.
    await writeFile(join(t.dir, 'tasks', 'notes.txt'), 'mine');
    await writeFile(join(t.dir, 'tasks', 'README.md'), '# no frontmatter\n');
    await mkdir(join(t.dir, 'tasks', '.git'));
    await writeFile(join(t.dir, 'tasks', '.git', 'HEAD'), 'ref: refs/heads/main\n');

    // The first sync adds the sync key property (a schema change every file shows once).
    expect((await t.engine.sync(['tasks'])).ok).toBe(true);
    const tasks = await snapshot(join(t.dir, 'tasks'));
    const taskFiles = [...tasks.keys()].filter((p) => p.endsWith('.md') && p !== 'README.md');
    expect(taskFiles).toHaveLength(12);
    const data = frontmatter(tasks.get(taskFiles[0]!)!.text);
    expect(Object.keys(data).slice(0, 3)).toEqual(['notion_id', 'notion_url', 'Name']);
    expect(typeof data.Estimate === 'number' || data.Estimate === null).toBe(true);
    expect(typeof data.Done).toBe('boolean');
    expect(Array.isArray(data.Tags)).toBe(true);

    t.later();
    const mark = t.emu.control.requestLog().length;
    const again = await t.engine.sync(['tasks']);
    expect(again.targets?.[0]?.scan).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(again.targets?.[0]?.export).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
    expect((await t.engine.pull()).ok).toBe(true);
    expect(t.writesSince(mark)).toEqual([]);
    expect(await snapshot(join(t.dir, 'tasks'))).toEqual(tasks);
    expect(await snapshot(join(t.dir, 'wiki'))).toEqual(wiki);
  });

  it('keeps a file name when the title changes, and takes frontmatter edits to Notion', async () => {
    const t = await setup(factory);
    expect((await t.engine.sync(['tasks'])).ok).toBe(true);
    const before = await snapshot(join(t.dir, 'tasks'));
    const [renamedPath, editedPath] = [...before.keys()].sort();
    const renamedId = frontmatter(before.get(renamedPath!)!.text).notion_id as string;
    await t.emu.client().pages.update({
      page_id: renamedId,
      properties: { Name: title('A brand new title') },
    });
    const edited = before.get(editedPath!)!.text.replace(/^Estimate: .*$/m, 'Estimate: 42');
    await writeFile(join(t.dir, 'tasks', editedPath!), edited);
    t.later();

    const result = await t.engine.sync(['tasks']);
    expect(result.ok).toBe(true);
    expect(result.targets?.[0]?.scan?.updated).toBe(1);
    const after = await snapshot(join(t.dir, 'tasks'));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(frontmatter(after.get(renamedPath!)!.text).Name).toBe('A brand new title');
    const editedId = frontmatter(edited).notion_id as string;
    const page = (await t.emu.client().pages.retrieve({ page_id: editedId })) as unknown as {
      properties: { Estimate: { number: number } };
    };
    expect(page.properties.Estimate.number).toBe(42);
    expect(after.get(editedPath!)!.text).toBe(edited);

    // The edited file is synced again: the next Notion edit of it arrives.
    await t.emu
      .client()
      .pages.update({ page_id: editedId, properties: { Estimate: { number: 9 } } });
    t.later();
    expect((await t.engine.sync(['tasks'])).ok).toBe(true);
    const text = await readFile(join(t.dir, 'tasks', editedPath!), 'utf8');
    expect(frontmatter(text).Estimate).toBe(9);
  });

  it('renames files with `rename: true` and removes the file of a page trashed in Notion', async () => {
    const t = await setup(factory, { rename: true });
    expect((await t.engine.sync(['tasks'])).ok).toBe(true);
    const before = await snapshot(join(t.dir, 'tasks'));
    const [first, second] = [...before.keys()].sort();
    const firstId = frontmatter(before.get(first!)!.text).notion_id as string;
    const secondId = frontmatter(before.get(second!)!.text).notion_id as string;
    await t.emu.client().pages.update({ page_id: firstId, properties: { Name: title('Renamed') } });
    await t.emu.client().pages.update({ page_id: secondId, in_trash: true });
    t.later();
    expect((await t.engine.pull(['tasks'])).ok).toBe(true);
    const after = await snapshot(join(t.dir, 'tasks'));
    expect(after.has(first!)).toBe(false);
    expect(after.has(second!)).toBe(false);
    expect(after.has(`renamed-${firstId.replace(/-/g, '').slice(0, 8)}.md`)).toBe(true);
    expect(after.size).toBe(before.size - 1);
  });

  it('trashes the page of a file deleted locally, once', async () => {
    const t = await setup(factory);
    expect((await t.engine.sync(['tasks'])).ok).toBe(true);
    const before = await snapshot(join(t.dir, 'tasks'));
    const [gone] = [...before.keys()].sort();
    const goneId = frontmatter(before.get(gone!)!.text).notion_id as string;
    await rm(join(t.dir, 'tasks', gone!));
    t.later();
    const result = await t.engine.sync(['tasks']);
    expect(result.targets?.[0]?.scan?.deleted).toBe(1);
    const page = await t.emu.client().pages.retrieve({ page_id: goneId });
    expect((page as { in_trash: boolean }).in_trash).toBe(true);
    const after = await snapshot(join(t.dir, 'tasks'));
    expect(after.size).toBe(before.size - 1);
    t.later();
    const mark = t.emu.control.requestLog().length;
    expect((await t.engine.sync(['tasks'])).targets?.[0]?.scan?.deleted).toBe(0);
    expect(t.writesSince(mark)).toEqual([]);
  });

  it('onLocalDelete: keep — a file deleted locally stays deleted and its page stays live', async () => {
    const t = await createDemoWorld(PUSH_TEST_START_MS).then((world) =>
      createFolderFixture(factory, world, { tasks: { onLocalDelete: 'keep' } }),
    );
    expect((await t.engine.sync(['tasks'])).ok).toBe(true);
    const before = await snapshot(join(t.dir, 'tasks'));
    const [gone] = [...before.keys()].sort();
    const goneId = frontmatter(before.get(gone!)!.text).notion_id as string;
    await rm(join(t.dir, 'tasks', gone!));
    t.later();
    expect((await t.engine.sync(['tasks'])).ok).toBe(true);
    const page = await t.emu.client().pages.retrieve({ page_id: goneId });
    expect((page as { in_trash: boolean }).in_trash).toBe(false);
    expect((await snapshot(join(t.dir, 'tasks'))).has(gone!)).toBe(false);
    // An edit of the page in Notion later does not bring the file back either.
    t.emu.control.editAsUser(goneId, { Name: title('Edited in Notion') });
    t.later();
    expect((await t.engine.sync(['tasks'])).ok).toBe(true);
    expect((await snapshot(join(t.dir, 'tasks'))).has(gone!)).toBe(false);
  });

  it('creates a page for a new file once, and writes its notion_id back into the same file', async () => {
    const t = await setup(factory);
    expect((await t.engine.sync(['tasks'])).ok).toBe(true);
    const before = await snapshot(join(t.dir, 'tasks'));
    const [original] = [...before.keys()].sort();
    await writeFile(join(t.dir, 'tasks', 'my-idea.md'), '---\nName: My idea\nEstimate: 5\n---\n');
    // A copy of a managed file (same notion_id) is reported, never created.
    await writeFile(join(t.dir, 'tasks', 'copy.md'), before.get(original!)!.text);
    t.later();
    const result = await t.engine.sync(['tasks']);
    expect(result.targets?.[0]?.scan?.created).toBe(1);
    expect(result.targets?.[0]?.scan?.failed.map((f) => f.itemKey)).toEqual(['copy.md']);
    const text = await readFile(join(t.dir, 'tasks', 'my-idea.md'), 'utf8');
    const id = frontmatter(text).notion_id as string;
    const page = (await t.emu.client().pages.retrieve({ page_id: id })) as unknown as {
      properties: { Name: { title: { plain_text: string }[] }; Estimate: { number: number } };
    };
    expect(page.properties.Name.title[0]?.plain_text).toBe('My idea');
    expect(page.properties.Estimate.number).toBe(5);

    t.later();
    const mark = t.emu.control.requestLog().length;
    const again = await t.engine.sync(['tasks']);
    expect(again.targets?.[0]?.scan?.created).toBe(0);
    expect(t.writesSince(mark)).toEqual([]);
    expect(await readFile(join(t.dir, 'tasks', 'my-idea.md'), 'utf8')).toBe(text);
    const named = (await t.emu.client().dataSources.query({
      data_source_id: t.demo.tasksDataSourceId,
      filter: { property: 'Name', title: { equals: 'My idea' } },
    } as never)) as { results: unknown[] };
    expect(named.results).toHaveLength(1);
  });

  it('watch syncs a saved file once the folder is quiet (debounce on the injected clock)', async () => {
    const t = await setup(factory);
    expect((await t.engine.sync(['tasks'])).ok).toBe(true);
    const before = await snapshot(join(t.dir, 'tasks'));
    const [path] = [...before.keys()].sort();
    const id = frontmatter(before.get(path!)!.text).notion_id as string;
    let seen!: () => void;
    const changed = new Promise<void>((resolve) => {
      seen = resolve;
    });
    const synced: { names: string[]; ok: boolean | undefined }[] = [];
    const paths: string[] = [];
    let done!: () => void;
    const firstSync = new Promise<void>((resolve) => {
      done = resolve;
    });
    const watch = await t.engine.watch(['tasks'], {
      debounceMs: 1000,
      onChange: (_source, changedPath) => {
        paths.push(changedPath);
        seen();
      },
      onSync: (names, outcome) => {
        synced.push({ names, ok: outcome.result?.ok });
        done();
      },
    });
    onTestFinished(() => watch.close());
    await watch.ready;
    await writeFile(join(t.dir, 'tasks', 'ignored.txt'), 'not ours');
    await writeFile(
      join(t.dir, 'tasks', path!),
      before.get(path!)!.text.replace(/^Estimate: .*$/m, 'Estimate: 77'),
    );
    await changed;
    expect(synced).toEqual([]);
    await t.clock.advance(1000);
    await firstSync;
    expect(synced[0]).toEqual({ names: ['tasks'], ok: true });
    expect(paths.filter((p) => !p.endsWith('.md'))).toEqual([]);
    const page = (await t.emu.client().pages.retrieve({ page_id: id })) as unknown as {
      properties: { Estimate: { number: number } };
    };
    expect(page.properties.Estimate.number).toBe(77);
  });

  it('watch refuses sources without a two-way folder target', async () => {
    const t = await setup(factory);
    await expect(t.engine.watch(['wiki'])).rejects.toMatchObject({ code: 'usage' });
  });

  it("never writes over a file of someone else's at a page's path", async () => {
    const t = await setup(factory);
    const rows = (await t.emu.client().dataSources.query({
      data_source_id: t.demo.tasksDataSourceId,
    })) as unknown as {
      results: { id: string; properties: { Name: { title: { plain_text: string }[] } } }[];
    };
    const row = rows.results[0]!;
    const name = fileNameFor(row.properties.Name.title[0]!.plain_text, row.id);
    await mkdir(join(t.dir, 'tasks'), { recursive: true });
    await writeFile(join(t.dir, 'tasks', name), '---\nnotion_id: someone-else\n---\nmine\n');
    const pulled = await t.engine.pull(['tasks']);
    expect(pulled.ok).toBe(false);
    expect(pulled.targets?.[0]?.export?.failed).toHaveLength(1);
    expect(pulled.targets?.[0]?.export?.failed[0]?.error).toContain(name);
    expect(await readFile(join(t.dir, 'tasks', name), 'utf8')).toBe(
      '---\nnotion_id: someone-else\n---\nmine\n',
    );
    expect((await snapshot(join(t.dir, 'tasks'))).size).toBe(12);
  });

  it('reports a file with broken YAML by path and line, skips it and syncs the rest', async () => {
    const t = await setup(factory);
    expect((await t.engine.sync(['tasks'])).ok).toBe(true);
    const before = await snapshot(join(t.dir, 'tasks'));
    const [broken, fine] = [...before.keys()].sort();
    const brokenText = before.get(broken!)!.text.replace(/^Done: .*$/m, 'Done: [unclosed');
    await writeFile(join(t.dir, 'tasks', broken!), brokenText);
    await writeFile(
      join(t.dir, 'tasks', fine!),
      before.get(fine!)!.text.replace(/^Estimate: .*$/m, 'Estimate: 7'),
    );
    t.later();
    const result = await t.engine.sync(['tasks']);
    const scan = result.targets?.[0]?.scan;
    expect(scan?.updated).toBe(1);
    expect(scan?.failed).toHaveLength(1);
    expect(scan?.failed[0]?.error).toMatch(new RegExp(`^${broken!.replace('.', '\\.')}:\\d+: `));
    expect(await readFile(join(t.dir, 'tasks', broken!), 'utf8')).toBe(brokenText);
  });
});
