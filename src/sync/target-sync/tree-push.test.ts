// Page-tree pushes from a folder target (issue 14, item 5), on SQLite and PostgreSQL against the
// emulator's demo wiki: a title edited in a file renames the page; a new file becomes a child
// page of its folder's page (nested new files in one sync), titled by `title`, else the first
// heading, else the file name; a file moved to another page's folder moves the page; a deleted
// file trashes the page; an ambiguous create (applied, then the answer lost) never duplicates a
// page, whether the push's lookup or a pull meets the page first; files we do not manage stay.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PageObjectResponse } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../emulator/test-support.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createFolderFixture, frontmatter, snapshot } from '../test-support/folder-fixture.ts';
import { PUSH_TEST_START_MS } from '../test-support/push-fixture.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-memory');

type Fixture = Awaited<ReturnType<typeof setup>>;

async function setup(factory: (typeof factories)[number]) {
  const t = await createFolderFixture(factory, await createDemoWorld(PUSH_TEST_START_MS), {
    wikiBoth: true,
  });
  expect((await t.engine.sync(['wiki'])).ok).toBe(true);
  const root = join(t.dir, 'wiki');
  const files = await snapshot(root);
  // The wiki's own page: its file at the top, its sub-pages in the folder named like it.
  const rootFile = [...files.keys()].find((p) => !p.includes('/'))!;
  const rootId = frontmatter(files.get(rootFile)!.text).notion_id as string;
  const folder = join(root, rootFile.replace(/\.md$/, ''));
  return { ...t, root, files, rootFile, rootId, folder };
}

async function page(t: Fixture, id: string) {
  return (await t.emu.client().pages.retrieve({ page_id: id })) as PageObjectResponse;
}

const titleOf = (p: PageObjectResponse) =>
  (p.properties.title as { title: { plain_text: string }[] }).title
    .map((x) => x.plain_text)
    .join('');

/** Live child pages of `parentId` with this title. */
async function childrenTitled(t: Fixture, parentId: string, title: string) {
  const children = await t.emu
    .client()
    .blocks.children.list({ block_id: parentId, page_size: 100 });
  return children.results.filter(
    (b) =>
      'type' in b &&
      b.type === 'child_page' &&
      !b.in_trash &&
      (b as { child_page: { title: string } }).child_page.title === title,
  );
}

describe.each(factories)('page tree pushes on $name', (factory) => {
  it('takes a title edit to Notion and keeps the file name', async () => {
    const t = await setup(factory);
    const [path] = [...t.files.keys()].filter((p) => p.includes('/')).sort();
    const text = t.files.get(path!)!.text;
    const id = frontmatter(text).notion_id as string;
    const edited = text.replace(/^title: .*$/m, 'title: Renamed locally');
    await writeFile(join(t.root, path!), edited);
    t.later();
    const result = await t.engine.sync(['wiki']);
    expect(result.ok).toBe(true);
    expect(result.targets?.[0]?.scan?.updated).toBe(1);
    expect(titleOf(await page(t, id))).toBe('Renamed locally');
    expect(await readFile(join(t.root, path!), 'utf8')).toBe(edited);
    // The parent's Markdown names its child pages: its file shows the new title too.
    const parentFile = `${path!.slice(0, path!.lastIndexOf('/'))}.md`;
    expect(await readFile(join(t.root, parentFile), 'utf8')).toContain('>Renamed locally</page>');
    t.later();
    const mark = t.emu.control.requestLog().length;
    expect((await t.engine.sync(['wiki'])).ok).toBe(true);
    expect(t.writesSince(mark)).toEqual([]);
  });

  it('creates new files as child pages of their folder, nested ones in the same sync', async () => {
    const t = await setup(factory);
    const { rootId, folder } = t;
    await writeFile(
      join(folder, 'ideas.md'),
      '---\ntitle: Ideas\n---\n\nA body written locally.\n',
    );
    await mkdir(join(folder, 'ideas'));
    await writeFile(join(folder, 'ideas', 'first.md'), '---\n---\n');
    // Not ours: no frontmatter, another extension, a dot-folder.
    await writeFile(join(folder, 'notes.md'), '# just notes\n');
    await writeFile(join(folder, 'todo.txt'), 'mine');
    await mkdir(join(t.root, '.git'));
    await writeFile(join(t.root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    t.later();
    const result = await t.engine.sync(['wiki']);
    expect(result.ok).toBe(true);
    expect(result.targets?.[0]?.scan?.created).toBe(2);
    const ideas = frontmatter(await readFile(join(folder, 'ideas.md'), 'utf8'));
    const first = frontmatter(await readFile(join(folder, 'ideas', 'first.md'), 'utf8'));
    const ideasPage = await page(t, ideas.notion_id as string);
    const firstPage = await page(t, first.notion_id as string);
    expect(titleOf(ideasPage)).toBe('Ideas');
    const ideasBody = await t.emu.client().pages.retrieveMarkdown({ page_id: ideasPage.id });
    // Its body, then the line of its own new child page.
    expect(ideasBody.markdown.split('\n')[0]).toBe('A body written locally.');
    expect(ideasBody.markdown).toContain(`>first</page>`);
    expect(await readFile(join(t.root, t.rootFile), 'utf8')).toContain('>Ideas</page>');
    expect(ideasPage.parent).toMatchObject({ type: 'page_id', page_id: rootId });
    expect(titleOf(firstPage)).toBe('first');
    expect(firstPage.parent).toMatchObject({ type: 'page_id', page_id: ideasPage.id });
    expect(await readFile(join(folder, 'notes.md'), 'utf8')).toBe('# just notes\n');
    expect(await readFile(join(folder, 'todo.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(t.root, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    t.later();
    const mark = t.emu.control.requestLog().length;
    const again = await t.engine.sync(['wiki']);
    expect(again.targets?.[0]?.scan).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(t.writesSince(mark)).toEqual([]);
  });

  it('refuses a new file outside any page folder, and syncs the rest', async () => {
    const t = await setup(factory);
    await writeFile(join(t.root, 'stray.md'), '---\ntitle: Stray\n---\n');
    t.later();
    const result = await t.engine.sync(['wiki']);
    expect(result.targets?.[0]?.scan?.failed.map((f) => f.itemKey)).toEqual(['stray.md']);
    expect(await readFile(join(t.root, 'stray.md'), 'utf8')).toBe('---\ntitle: Stray\n---\n');
  });

  it('a file moved into a folder of no page is reported and not written back where it was', async () => {
    const t = await setup(factory);
    const deep = [...t.files.keys()].filter((p) => p.split('/').length === 3).sort();
    const moving = deep[0]!;
    const movingId = frontmatter(t.files.get(moving)!.text).notion_id as string;
    const parentBefore = (await page(t, movingId)).parent;
    await mkdir(join(t.root, 'drafts'));
    const movedTo = `drafts/${moving.split('/').at(-1)}`;
    await rename(join(t.root, moving), join(t.root, movedTo));
    t.later();
    const result = await t.engine.sync(['wiki']);
    expect(result.targets?.[0]?.scan?.failed.map((f) => f.itemKey)).toEqual([movedTo]);
    expect((await page(t, movingId)).parent).toEqual(parentBefore);
    const after = await snapshot(t.root);
    expect(after.has(moving)).toBe(false); // one file for the page: where the user put it
    expect(after.get(movedTo)?.text).toBe(t.files.get(moving)!.text);
  });

  it('moves the page of a file moved to another page folder, and only renames within one', async () => {
    const t = await setup(factory);
    const deep = [...t.files.keys()].filter((p) => p.split('/').length === 3).sort();
    const moving = deep[0]!;
    const movingId = frontmatter(t.files.get(moving)!.text).notion_id as string;
    const { rootFile, rootId } = t;
    const movedTo = `${rootFile.replace(/\.md$/, '')}/${moving.split('/').at(-1)}`;
    await rename(join(t.root, moving), join(t.root, movedTo));
    const childFolder = join(t.root, moving.replace(/\.md$/, ''));
    await rename(childFolder, join(t.root, movedTo.replace(/\.md$/, ''))).catch(() => {});
    t.later();
    const result = await t.engine.sync(['wiki']);
    expect(result.ok).toBe(true);
    expect(result.targets?.[0]?.scan).toMatchObject({ created: 0, deleted: 0 });
    expect((await page(t, movingId)).parent).toMatchObject({ type: 'page_id', page_id: rootId });
    const after = await snapshot(t.root);
    expect(after.get(movedTo)?.text).toBe(t.files.get(moving)!.text);
    expect(after.has(moving)).toBe(false);
    expect(after.size).toBe(t.files.size);

    // A rename in the same folder moves nothing in Notion.
    const renamed = movedTo.replace(/[^/]+\.md$/, 'renamed.md');
    await rename(join(t.root, movedTo), join(t.root, renamed));
    t.later();
    const mark = t.emu.control.requestLog().length;
    expect((await t.engine.sync(['wiki'])).ok).toBe(true);
    expect(t.writesSince(mark)).toEqual([]);
    expect((await snapshot(t.root)).get(renamed)?.text).toBe(t.files.get(moving)!.text);
    // A pull after the move finds the page where the file is: nothing moves back.
    t.later();
    expect((await t.engine.pull(['wiki'], { full: true })).ok).toBe(true);
    expect((await snapshot(t.root)).has(renamed)).toBe(true);
  });

  it('moves the file of a page moved in Notion', async () => {
    const t = await setup(factory);
    const deep = [...t.files.keys()].filter((p) => p.split('/').length === 3).sort();
    const moving = deep[0]!;
    const movingId = frontmatter(t.files.get(moving)!.text).notion_id as string;
    const { rootFile, rootId } = t;
    await t.emu.client().pages.move({ page_id: movingId, parent: { page_id: rootId } } as never);
    t.later();
    expect((await t.engine.sync(['wiki'])).ok).toBe(true);
    const after = await snapshot(t.root);
    const movedTo = `${rootFile.replace(/\.md$/, '')}/${moving.split('/').at(-1)}`;
    expect(after.has(moving)).toBe(false);
    expect(after.get(movedTo)?.text).toBe(t.files.get(moving)!.text);
    expect(after.size).toBe(t.files.size);
  });

  it('trashes the page of a deleted file', async () => {
    const t = await setup(factory);
    const leaf = [...t.files.keys()]
      .filter(
        (p) =>
          p.includes('/') &&
          ![...t.files.keys()].some((q) => q.startsWith(p.replace(/\.md$/, '/'))),
      )
      .sort()[0]!;
    const id = frontmatter(t.files.get(leaf)!.text).notion_id as string;
    await rm(join(t.root, leaf));
    t.later();
    const result = await t.engine.sync(['wiki']);
    expect(result.targets?.[0]?.scan?.deleted).toBe(1);
    expect((await page(t, id)).in_trash).toBe(true);
  });

  it('trashes a page and the pages under it when only its file is deleted', async () => {
    const t = await setup(factory);
    const keys = [...t.files.keys()];
    const parent = keys
      .filter(
        (p) => p.split('/').length === 2 && keys.some((q) => q.startsWith(p.replace(/\.md$/, '/'))),
      )
      .sort()[0]!;
    const under = keys.filter((q) => q.startsWith(parent.replace(/\.md$/, '/')));
    const ids = [parent, ...under].map(
      (p) => frontmatter(t.files.get(p)!.text).notion_id as string,
    );
    await rm(join(t.root, parent));
    t.later();
    expect((await t.engine.sync(['wiki'])).ok).toBe(true);
    t.later();
    expect((await t.engine.sync(['wiki'])).ok).toBe(true);
    const after = await snapshot(t.root);
    for (const p of [parent, ...under]) expect(after.has(p)).toBe(false);
    expect(after.size).toBe(t.files.size - 1 - under.length);
    expect((await page(t, ids[0]!)).in_trash).toBe(true);
    t.later();
    const mark = t.emu.control.requestLog().length;
    expect((await t.engine.sync(['wiki'])).ok).toBe(true);
    expect(t.writesSince(mark)).toEqual([]);
  });

  it('never duplicates a page whose create was applied but answered with a 504', async () => {
    const t = await setup(factory);
    const { rootId, folder } = t;
    await writeFile(join(folder, 'once.md'), '---\ntitle: Only once\n---\n');
    t.emu.control.setFaults([{ route: 'POST /v1/pages', applyThenFail: 504, count: 1 }]);
    t.later();
    const result = await t.engine.sync(['wiki']);
    expect(result.push.sources[0]?.counts.adopted).toBe(1);
    expect(await childrenTitled(t, rootId, 'Only once')).toHaveLength(1);
    const id = frontmatter(await readFile(join(folder, 'once.md'), 'utf8')).notion_id;
    expect(id).toBe((await childrenTitled(t, rootId, 'Only once'))[0]!.id);
  });

  it('lets a pull adopt the page of a lost create when the lookup failed too', async () => {
    const t = await setup(factory);
    const { rootId, folder } = t;
    await writeFile(join(folder, 'lost.md'), '---\ntitle: Lost answer\n---\n');
    // No retry within the run: the item waits for the next sync.
    const engine = t.engineWith({ retryWaitMs: 0 });
    t.emu.control.setFaults([
      { route: 'POST /v1/pages', applyThenFail: 'reset', count: 1 },
      { method: 'GET', route: '/v1/users/me', status: 503, count: 4 },
    ]);
    t.later();
    const first = await engine.sync(['wiki']);
    expect(first.push.sources[0]?.counts.failed).toBe(1);
    expect(await childrenTitled(t, rootId, 'Lost answer')).toHaveLength(1);
    t.emu.control.setFaults([]);
    t.later();
    // The next sync's pull walks the tree and meets the page before the push looks it up.
    const second = await engine.sync(['wiki']);
    expect(second.ok).toBe(true);
    expect(second.push.sources[0]?.counts).toMatchObject({ created: 0, adopted: 1 });
    t.later();
    await engine.sync(['wiki']);
    expect(await childrenTitled(t, rootId, 'Lost answer')).toHaveLength(1);
    const files = await snapshot(t.root);
    const named = [...files.values()].filter((f) => f.text.includes('\ntitle: Lost answer\n'));
    expect(named).toHaveLength(1);
  });
});
