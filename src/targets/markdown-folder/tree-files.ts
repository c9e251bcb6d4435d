// Files of a page tree's folder that are not where the last export put them: a file moved
// (or renamed) keeps its `notion_id`, so a file the folder does not remember whose `notion_id`
// names a page whose remembered file is gone is that page's file, moved — never a new page nor
// a trashed one. In the tree layout a page's children sit in the folder named like its file
// (`a/b.md` → `a/b/`), so a file's folder names its parent page: a file moved to another
// folder is a page moved in Notion, and a new file is created under its folder's page.
import type { TargetItem } from '../../store/index.ts';
import type { ParentItem, TargetInput } from '../target.ts';
import { fileError, parseDocument } from './document.ts';
import { childFolderOf } from './file-names.ts';
import type { FolderFiles } from './folder-files.ts';
import { ID_KEY } from './frontmatter-values.ts';

/** Moved files: the record each belongs to by its new path, and the reverse. */
export interface FileMoves {
  byRecord: Map<number, string>;
  byPath: Map<string, number>;
}

async function idOf(files: FolderFiles, path: string): Promise<string | null> {
  try {
    const id = parseDocument((await files.read(path)) ?? '', path)?.data[ID_KEY];
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** Which of the `fresh` files (not remembered) are remembered files moved elsewhere. */
export async function findMovedFiles(
  files: FolderFiles,
  input: TargetInput,
  items: TargetItem[],
  fresh: string[],
): Promise<FileMoves> {
  const moves: FileMoves = { byRecord: new Map(), byPath: new Map() };
  const byPage = new Map<string, number>();
  for (const view of input.records)
    if (view.record.pageId && view.record.tombstone === null)
      byPage.set(view.record.pageId, view.record.id);
  const remembered = new Map(items.map((i) => [i.recordId, i]));
  for (const path of fresh) {
    const id = await idOf(files, path);
    const recordId = id ? byPage.get(id) : undefined;
    const item = recordId !== undefined ? remembered.get(recordId) : undefined;
    if (recordId === undefined || !item?.itemKey || item.state === 'detached') continue;
    if (moves.byRecord.has(recordId) || (await files.read(item.itemKey)) !== null) continue;
    moves.byRecord.set(recordId, path);
    moves.byPath.set(path, recordId);
  }
  return moves;
}

/** The file of the page whose folder holds `path` (`a/b/c.md` → `a/b.md`), null at the top. */
export function parentFileOf(path: string): string | null {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? null : `${path.slice(0, slash)}.md`;
}

export interface TreePlacement {
  input: TargetInput;
  items: TargetItem[];
  moves: FileMoves;
  /** New files of this scan: their creates come first (parents before children, then moves). */
  creating: Set<string>;
  layout: 'tree' | 'flat';
}

/** The page a file at `path` sits under; `file_invalid` when its folder names no page. */
export function parentOfPath(placement: TreePlacement, path: string): ParentItem {
  const { input, items, moves, creating, layout } = placement;
  if (layout === 'flat') return { pageId: input.source.notionId };
  const parentFile = parentFileOf(path);
  if (!parentFile) {
    throw fileError(
      path,
      1,
      'a page at the top of the folder would sit outside the page tree — put its file in the folder of the page it belongs under',
    );
  }
  const movedId = moves.byPath.get(parentFile);
  const item =
    movedId !== undefined
      ? items.find((i) => i.recordId === movedId)
      : items.find((i) => i.itemKey === parentFile && i.state !== 'detached');
  const view = item ? input.records.find((v) => v.record.id === item.recordId) : undefined;
  if (view?.record.pageId && view.record.tombstone === null) return { pageId: view.record.pageId };
  if (view || creating.has(parentFile)) return { itemKey: parentFile };
  throw fileError(
    path,
    1,
    `its folder ${childFolderOf(parentFile)}/ belongs to no page (no ${parentFile} here) — move the file into a page's folder`,
  );
}

/** The parent to move a record to, or undefined when it already sits under that page. */
export function moveTarget(
  placement: TreePlacement,
  recordId: number,
  path: string,
): ParentItem | undefined {
  // In one flat folder a moved file is only renamed.
  if (placement.input.source.kind !== 'page' || placement.layout === 'flat') return undefined;
  const parent = parentOfPath(placement, path);
  const view = placement.input.records.find((v) => v.record.id === recordId);
  if ('pageId' in parent && view?.record.parentId === parent.pageId) return undefined;
  return parent;
}
