// The demo's Markdown step (issue 14): the wiki page tree is kept as a folder of Markdown files,
// one page's file is edited as a person would in an editor, `sync wiki` pushes the edit, and
// the demo shows the page as Notion (the emulator) now has it, then its history.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PageObjectResponse } from '@notionhq/client';
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

export async function runWikiStep(w: WikiStepContext): Promise<string> {
  const files = listFiles(w.folder);
  w.step(
    `The wiki page tree is a folder of Markdown files (${files.length} pages, sub-pages in folders):`,
  );
  for (const file of files)
    w.ctx.out(`   ${'  '.repeat(file.split('/').length - 1)}${file.split('/').at(-1)}`);

  const page = pickPage(w.folder, files);
  const title = `${page.title} (edited in a file)`;
  writeFileSync(join(w.folder, page.path), page.text.replace(TITLE_LINE, `title: ${title}`));
  w.step(`Edited ${page.path} in an editor: its title is now "${title}"`);

  w.step('sync wiki: the scan finds the edit, push sends it, export writes nothing it need not');
  await w.cli(['sync', 'wiki']);

  const live = (await w.emulator
    .client()
    .pages.retrieve({ page_id: page.id })) as PageObjectResponse;
  const shown = (live.properties.title as { title: { plain_text: string }[] }).title
    .map((t) => t.plain_text)
    .join('');
  w.step(`Notion has it: page ${page.id} is titled "${shown}"`);

  w.step('History of that page: the pulled version, then the pushed one');
  await w.cli(['history', page.id, '--diff']);
  return page.id;
}
