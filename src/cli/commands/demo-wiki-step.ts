// The demo's Markdown step (issue 14): the wiki page tree is kept as a folder of Markdown files,
// one page's body is edited in its file as a person would in an editor, `sync wiki` pushes the
// edit (a targeted Markdown edit), and the demo shows the page as Notion (the emulator) now has
// it, then its history.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Emulator } from '../../emulator/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { CliContext } from '../context.ts';

export interface WikiStepContext {
  ctx: CliContext;
  emulator: Emulator;
  /** The wiki's folder target. */
  folder: string;
  cli(argv: string[]): Promise<void>;
  step(text: string): void;
}

/** Every Markdown file under `folder`, parents before their sub-pages. */
function listFiles(folder: string): string[] {
  return (
    readdirSync(folder, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[]
  )
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

const TITLE_LINE = /^title: (.*)$/m;

/** The first page one level below the wiki's root page: its path, page id and title. */
function pickPage(folder: string, files: string[]) {
  const path = files.find((f) => f.split('/').length === 2);
  const text = path ? readFileSync(join(folder, path), 'utf8') : '';
  const id = /^notion_id: (.*)$/m.exec(text)?.[1];
  const title = TITLE_LINE.exec(text)?.[1];
  if (!path || !id || title === undefined)
    throw new NotionSyncError('internal', 'the demo wiki has no sub-page file to edit');
  return { path, id, title, text };
}

/** The file with one list item (else a new last line) edited as a person would in an editor. */
function editBody(text: string): { text: string; line: string } {
  const lines = text.split('\n');
  const end = lines.indexOf('---', 1);
  const at = lines.findIndex((l, i) => i > end && /^(\d+\.|-) \S/.test(l));
  if (at >= 0) lines[at] = `${lines[at]} (edited in a file)`;
  else lines.splice(lines.length - 1, 0, '', 'A line written in a file.');
  return { text: lines.join('\n'), line: at >= 0 ? lines[at]! : 'A line written in a file.' };
}

export async function runWikiStep(w: WikiStepContext): Promise<string> {
  const files = listFiles(w.folder);
  w.step(
    `The wiki page tree is a folder of Markdown files (${files.length} pages, sub-pages in folders):`,
  );
  for (const file of files)
    w.ctx.out(`   ${'  '.repeat(file.split('/').length - 1)}${file.split('/').at(-1)}`);

  const page = pickPage(w.folder, files);
  const edited = editBody(page.text);
  writeFileSync(join(w.folder, page.path), edited.text);
  w.step(`Edited the body of ${page.path} in an editor:`);
  w.ctx.out(`   ${edited.line}`);

  w.step('sync wiki: the scan finds the edit, push sends it as a targeted Markdown edit');
  await w.cli(['sync', 'wiki']);

  const markdown = (await w.emulator.client().pages.retrieveMarkdown({ page_id: page.id })) as {
    markdown: string;
  };
  const shown = markdown.markdown.split('\n').find((l) => l.includes(edited.line.trim()));
  if (!shown) throw new NotionSyncError('internal', 'the demo edit did not reach the emulator');
  w.step(`Notion has it: the body of "${page.title}" (${page.id}) now reads`);
  w.ctx.out(`   ${shown}`);

  w.step('History of that page: the pulled version, the local edit, the pushed one');
  await w.cli(['history', page.id, '--diff']);
  return page.id;
}
