// New files of a folder target: Markdown files with frontmatter but no `notion_id`, which the
// scan turns into creates (the body, if any, becomes the new page's content) (the file's path becomes the record's local key, so the page's sync
// key and a retried create find it again — never a second page). The walk skips dot-folders
// (`.git`), other extensions, files without frontmatter and files already remembered. A file
// whose `notion_id` names a page that already has a file (a copy) is reported, never created.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { JsonValue, Source } from '../../store/index.ts';
import type { LocalChange } from '../target.ts';
import { fileError, parseDocument } from './document.ts';
import type { FolderFiles } from './folder-files.ts';
import { textHash } from './folder-files.ts';
import { ID_KEY, writableEdits } from './frontmatter-values.ts';

/** Relative paths of every `.md` file under the folder, dot-folders left out. */
export async function listMarkdownFiles(files: FolderFiles, dir = ''): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(files.full(dir), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listMarkdownFiles(files, path)));
    else if (entry.isFile() && entry.name.endsWith('.md')) out.push(path);
  }
  return out.sort();
}

/** The title of a new page: the title property, else `title`, else the body's first heading,
 * else the file name. */
function newTitle(
  source: Source,
  path: string,
  data: Record<string, JsonValue>,
  body: string,
): string {
  const property = Object.values(source.schema.properties).find((p) => p.type === 'title');
  const given = (property && data[property.name]) ?? data.title;
  if (typeof given === 'string' && given.trim() !== '') return given;
  const heading = /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(body)?.[1];
  if (heading) return heading;
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/, '');
}

/** A create for one new file, or null when the file is not ours (no frontmatter). */
export async function newFileChange(
  files: FolderFiles,
  source: Source,
  path: string,
  known: Set<string>,
): Promise<Extract<LocalChange, { kind: 'create' }> | null> {
  const text = (await files.read(path)) ?? '';
  const doc = parseDocument(text, path);
  if (!doc) return null;
  const id = doc.data[ID_KEY];
  if (id !== undefined && id !== null) {
    throw fileError(
      path,
      2,
      known.has(String(id))
        ? `its ${ID_KEY} belongs to another file (a copy?) — remove the ${ID_KEY} line to create a new page`
        : `its ${ID_KEY} is no page of this source — remove the line to create a new page`,
    );
  }
  const values = writableEdits(source, doc.data, {});
  const title = Object.values(source.schema.properties).find((p) => p.type === 'title');
  if (title) values[title.id] = newTitle(source, path, doc.data, doc.body);
  const hash = textHash(text);
  const content = doc.body.trim() !== '' ? { content: doc.body } : {};
  return { kind: 'create', itemKey: path, values, ...content, targetHash: hash, storeHash: hash };
}
