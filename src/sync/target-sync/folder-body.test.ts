// Page bodies of a Markdown folder target, on SQLite and PostgreSQL against the emulator: a body
// edited in the file and another part edited in Notion both land on both sides after `sync`,
// through targeted Markdown edits (no `replace_content`; untouched blocks keep their ids); the
// same part edited on both sides is ONE conflict, the file keeps the local text and the
// resolution reaches both sides; a new file with a body creates its page with that body once;
// a file edited while a pull exports keeps the local edit.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { SourceConfig } from '../../config/index.ts';
import { createEmulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness } from '../test-support/pull-harness.ts';
import { PUSH_TEST_START_MS } from '../test-support/push-fixture.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-memory');

const PARAGRAPHS = ['First paragraph.', 'Second one.', 'Third one.', 'Fourth one.', 'Fifth one.'];

async function setup(
  factory: (typeof factories)[number],
  policy?: SourceConfig['conflictPolicy'],
  content: 'markdown' | 'none' = 'markdown',
) {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({ clock });
  const notion = emu.client({ notionVersion: '2026-03-11' });
  const dsId = await createDataSource(notion, emu.rootPageId, { Name: { title: {} } });
  const page = (await notion.pages.create({
    parent: { data_source_id: dsId },
    properties: { Name: { title: [{ text: { content: 'Essay' } }] } },
    markdown: PARAGRAPHS.join('\n'),
  } as never)) as { id: string };
  const dir = await mkdtemp(join(tmpdir(), 'folder-body-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const sources = [
    {
      name: 'docs',
      dataSource: dsId,
      direction: 'both',
      content,
      target: { folder: dir },
      ...(policy ? { conflictPolicy: policy } : {}),
    },
  ] as SourceConfig[];
  const h = await createPullHarness(factory, emu, sources, clock);
  onTestFinished(() => h.store.close());
  expect((await h.engine.sync(['docs'])).ok).toBe(true);
  const [file] = (await readdir(dir)).filter((n) => n.endsWith('.md'));
  const path = join(dir, file!);
  const served = async (id = page.id) =>
    (await notion.pages.retrieveMarkdown({ page_id: id })).markdown;
  /** Edits Notion's body the way a person in Notion would (one replaced text). */
  const editInNotion = (from: string, to: string) =>
    notion.pages.updateMarkdown({
      page_id: page.id,
      type: 'update_content',
      update_content: { content_updates: [{ old_str: from, new_str: to }] },
    } as never);
  const blockIds = async () =>
    (await notion.blocks.children.list({ block_id: page.id })).results.map((b) => b.id);
  const later = () => clock.advance(5 * 60_000);
  return {
    ...h,
    emu,
    notion,
    dsId,
    pageId: page.id,
    dir,
    path,
    served,
    editInNotion,
    blockIds,
    later,
  };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Markdown edits the engine sent since `mark`, by their `type`. */
function markdownEditsSince(t: Setup, mark: number): string[] {
  return t.emu.control
    .requestLog()
    .slice(mark)
    .filter((e) => e.route === 'PATCH /v1/pages/{id}/markdown')
    .map((e) => e.bodyType ?? '?');
}

function writesSince(t: Setup, mark: number) {
  return t.emu.control
    .requestLog()
    .slice(mark)
    .filter((e) => e.method !== 'GET' && !/\/(query|search)$/.test(e.route ?? ''));
}

describe.each(factories)('folder target bodies on $name', (factory) => {
  it('merges an edit of paragraph 1 in the file with one of paragraph 5 in Notion, with targeted edits', async () => {
    const t = await setup(factory);
    const text = await readFile(t.path, 'utf8');
    await writeFile(
      t.path,
      text.replace('First paragraph.', 'First paragraph, edited in the file.'),
    );
    await t.editInNotion('Fifth one.', 'Fifth one, edited in Notion.');
    const ids = await t.blockIds();
    expect(ids).toHaveLength(5);
    await t.later();

    const mark = t.emu.control.requestLog().length;
    const result = await t.engine.sync(['docs']);
    expect(result.ok).toBe(true);
    expect(result.openConflicts).toBe(0);
    expect(markdownEditsSince(t, mark)).toEqual(['update_content']);

    const notion = await t.served();
    expect(notion).toContain('First paragraph, edited in the file.');
    expect(notion).toContain('Fifth one, edited in Notion.');
    const file = await readFile(t.path, 'utf8');
    expect(file.endsWith(`---\n\n${notion}\n`)).toBe(true);
    // Paragraphs the push did not touch (2 to 5) keep their blocks.
    const after = await t.blockIds();
    expect(after.slice(1)).toEqual(ids.slice(1));
    expect(after[0]).not.toBe(ids[0]);

    // pull → push → pull: nothing more to send, no byte changes.
    await t.later();
    const again = t.emu.control.requestLog().length;
    expect((await t.engine.sync(['docs'])).ok).toBe(true);
    expect((await t.engine.pull(['docs'])).ok).toBe(true);
    expect(writesSince(t, again)).toEqual([]);
    expect(await readFile(t.path, 'utf8')).toBe(file);
  });

  it('parks the same paragraph edited on both sides as one conflict; take local reaches Notion', async () => {
    const t = await setup(factory);
    const text = await readFile(t.path, 'utf8');
    const local = text.replace('Third one.', 'Third one, as the file has it.');
    await writeFile(t.path, local);
    await t.editInNotion('Third one.', 'Third one, as Notion has it.');
    await t.later();

    const result = await t.engine.sync(['docs']);
    expect(result.openConflicts).toBe(1);
    const [conflict] = await t.engine.conflicts.list({ source: 'docs' });
    expect(conflict?.conflict.propertyId).toBe('__body__');
    expect(conflict?.conflict.localValue).toContain('Third one, as the file has it.');
    expect(conflict?.conflict.notionValue).toContain('Third one, as Notion has it.');
    expect(conflict?.conflict.baseValue).toContain('Third one.');
    expect(await readFile(t.path, 'utf8')).toBe(local);
    expect(await t.served()).toContain('Third one, as Notion has it.');

    // A later sync changes neither side while the conflict is open, even after another edit.
    await t.later();
    await t.engine.sync(['docs']);
    expect(await readFile(t.path, 'utf8')).toBe(local);
    const again = local.replace('Fourth one.', 'Fourth one, too.');
    await writeFile(t.path, again);
    await t.later();
    expect((await t.engine.sync(['docs'])).openConflicts).toBe(1);
    expect(await readFile(t.path, 'utf8')).toBe(again);
    expect(await t.served()).toContain('Third one, as Notion has it.');
    expect(await t.served()).not.toContain('Fourth one, too.');
    const [reparked] = await t.engine.conflicts.list({ source: 'docs' });
    expect(reparked?.conflict.localValue).toContain('Fourth one, too.');

    await t.engine.conflicts.resolve(reparked!.conflict.id, { take: 'local' });
    await t.later();
    const mark = t.emu.control.requestLog().length;
    const resolved = await t.engine.sync(['docs']);
    expect(resolved.ok).toBe(true);
    expect(resolved.openConflicts).toBe(0);
    expect(markdownEditsSince(t, mark)).toEqual(['update_content']);
    const notion = await t.served();
    expect(notion).toContain('Third one, as the file has it.');
    expect(notion).toContain('Fourth one, too.');
    expect(notion).not.toContain('as Notion has it');
    expect(await readFile(t.path, 'utf8')).toBe(again);
  });

  it('take notion writes Notion’s body into the file; notion-wins decides without parking', async () => {
    const t = await setup(factory);
    const text = await readFile(t.path, 'utf8');
    await writeFile(t.path, text.replace('Second one.', 'Second, local.'));
    await t.editInNotion('Second one.', 'Second, Notion.');
    await t.later();
    await t.engine.sync(['docs']);
    const [conflict] = await t.engine.conflicts.list({ source: 'docs' });
    await t.engine.conflicts.resolve(conflict!.conflict.id, { take: 'notion' });
    await t.later();
    const mark = t.emu.control.requestLog().length;
    expect((await t.engine.sync(['docs'])).openConflicts).toBe(0);
    expect(writesSince(t, mark)).toEqual([]);
    const file = await readFile(t.path, 'utf8');
    expect(file).toContain('Second, Notion.');
    expect(file).not.toContain('Second, local.');

    const n = await setup(factory, 'notion-wins');
    const nText = await readFile(n.path, 'utf8');
    await writeFile(n.path, nText.replace('Fourth one.', 'Fourth, local.'));
    await n.editInNotion('Fourth one.', 'Fourth, Notion.');
    await n.later();
    const decided = await n.engine.sync(['docs']);
    expect(decided.openConflicts).toBe(0);
    expect(await n.served()).toContain('Fourth, Notion.');
    expect(await readFile(n.path, 'utf8')).toContain('Fourth, Notion.');
  });

  it('push --force writes the local body over a conflicting Notion edit', async () => {
    const t = await setup(factory);
    const text = await readFile(t.path, 'utf8');
    await writeFile(t.path, text.replace('Fourth one.', 'Fourth, forced.'));
    await t.editInNotion('Fourth one.', 'Fourth, Notion.');
    await t.later();
    const result = await t.engine.sync(['docs'], { force: true });
    expect(result.openConflicts).toBe(0);
    expect(result.push.sources[0]?.overwritten.map((o) => o.propertyId)).toEqual(['__body__']);
    expect(await t.served()).toContain('Fourth, forced.');
    expect(await readFile(t.path, 'utf8')).toContain('Fourth, forced.');
  });

  it('a file edited while a pull exports keeps the local edit; the Notion side becomes a conflict', async () => {
    const t = await setup(factory);
    const text = await readFile(t.path, 'utf8');
    const local = text.replace('Fifth one.', 'Fifth, typed while pulling.');
    await t.editInNotion('Fifth one.', 'Fifth, from Notion.');
    await writeFile(t.path, local);
    await t.later();
    expect((await t.engine.pull(['docs'])).ok).toBe(true);
    expect(await readFile(t.path, 'utf8')).toBe(local);
    const result = await t.engine.sync(['docs']);
    expect(result.openConflicts).toBe(1);
    expect(await readFile(t.path, 'utf8')).toBe(local);
    expect(await t.served()).toContain('Fifth, from Notion.');
  });

  it('an edit applied whose answer was lost is merged again, never applied twice', async () => {
    const t = await setup(factory);
    const text = await readFile(t.path, 'utf8');
    await writeFile(t.path, text.replace('Second one.\n', 'Second one.\nInserted once.\n'));
    await writeFile(join(t.dir, 'new.md'), '---\nName: Fresh\n---\n\nBody once.\n');
    t.emu.control.setFaults([
      { route: 'PATCH /v1/pages/{id}/markdown', applyThenFail: 504, count: 1 },
      { route: 'POST /v1/pages', applyThenFail: 504, count: 1 },
    ]);
    await t.later();
    const mark = t.emu.control.requestLog().length;
    const result = await t.engine.sync(['docs']);
    expect(result.ok).toBe(true);
    expect(result.openConflicts).toBe(0);
    const failed = writesSince(t, mark).filter((e) => e.status === 504);
    expect(failed.map((e) => e.route).sort()).toEqual([
      'PATCH /v1/pages/{id}/markdown',
      'POST /v1/pages',
    ]);
    expect(await t.served()).toBe(
      'First paragraph.\nSecond one.\nInserted once.\nThird one.\nFourth one.\nFifth one.',
    );
    const created = /notion_id: (\S+)/.exec(await readFile(join(t.dir, 'new.md'), 'utf8'))?.[1];
    expect(await t.served(created)).toBe('Body once.');
    const rows = await t.notion.dataSources.query({ data_source_id: t.dsId });
    expect(rows.results).toHaveLength(2);
  });

  it('a new file with a long body: the create carries its start, targeted edits the rest', async () => {
    const t = await setup(factory);
    const body = `${Array.from({ length: 2500 }, (_, i) => `Line ${i} of a long page.`).join('\n')}\n`;
    await writeFile(join(t.dir, 'long.md'), `---\nName: Long\n---\n\n${body}`);
    await t.later();
    const mark = t.emu.control.requestLog().length;
    expect((await t.engine.sync(['docs'])).ok).toBe(true);
    const creates = writesSince(t, mark).filter((e) => e.route === 'POST /v1/pages');
    expect(creates).toHaveLength(1);
    const edits = markdownEditsSince(t, mark);
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(new Set(edits)).toEqual(new Set(['update_content']));
    const text = await readFile(join(t.dir, 'long.md'), 'utf8');
    const id = /notion_id: (\S+)/.exec(text)?.[1] ?? '';
    expect(await t.served(id)).toBe(body.trimEnd());
    expect(text.endsWith(`---\n\n${body}`)).toBe(true);
  });

  it('a source that keeps no content reports a body edit and never writes over the file', async () => {
    const t = await setup(factory, undefined, 'none');
    const edited = `${await readFile(t.path, 'utf8')}\nA body nobody will read.\n`;
    await writeFile(t.path, edited);
    await t.later();
    const mark = t.emu.control.requestLog().length;
    const result = await t.engine.sync(['docs']);
    expect(result.targets?.[0]?.scan?.failed.map((f) => f.error)).toEqual([
      expect.stringContaining('content: markdown'),
    ]);
    expect(markdownEditsSince(t, mark)).toEqual([]);
    expect(await readFile(t.path, 'utf8')).toBe(edited);
  });

  it('creates the page of a new file with its body once, titled by its first heading', async () => {
    const t = await setup(factory);
    const body = '# Travel notes\nPack light.\n- passport\n- charger\n';
    await writeFile(join(t.dir, 'travel.md'), `---\nnotion_id: null\n---\n\n${body}`);
    await t.later();
    const mark = t.emu.control.requestLog().length;
    const result = await t.engine.sync(['docs']);
    expect(result.ok).toBe(true);
    expect(result.targets?.[0]?.scan?.created).toBe(1);
    const creates = writesSince(t, mark).filter((e) => e.route === 'POST /v1/pages');
    expect(creates).toHaveLength(1);
    expect(markdownEditsSince(t, mark)).toEqual([]);
    const text = await readFile(join(t.dir, 'travel.md'), 'utf8');
    const id = /notion_id: (\S+)/.exec(text)?.[1] ?? '';
    expect(await t.served(id)).toBe(body.trimEnd());
    expect(text).toContain('Name: Travel notes');
    expect(text.endsWith(`---\n\n${body}`)).toBe(true);

    await t.later();
    const again = t.emu.control.requestLog().length;
    expect((await t.engine.sync(['docs'])).targets?.[0]?.scan?.created).toBe(0);
    expect(writesSince(t, again)).toEqual([]);
  });
});
