// Where each record's file lives, relative to the folder (POSIX separators, the item key). A
// file keeps the name it was first written under (unless `rename`), so a title edit in Notion
// does not move it; in the tree layout a page's children sit in a folder named like its file,
// so a page moved in Notion moves its file with it.
import type { Source, TargetItem, TargetRecordView } from '../../store/index.ts';
import { childFolderOf, fileNameFor } from './file-names.ts';
import { titleOf } from './frontmatter-values.ts';

export interface LayoutOptions {
  layout: 'tree' | 'flat';
  rename: boolean;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The relative path of every live record that has a page (or a remembered file). */
export function layoutPaths(
  source: Source,
  views: TargetRecordView[],
  items: Map<number, TargetItem>,
  options: LayoutOptions,
  /** Records whose files stay as they are (export.ts): they, and so their children, stay put. */
  held: ReadonlySet<number> = new Set(),
): Map<number, string> {
  const byPage = new Map<string, TargetRecordView>();
  for (const view of views) if (view.record.pageId) byPage.set(view.record.pageId, view);
  const paths = new Map<number, string>();
  const visiting = new Set<number>();
  const pathOf = (view: TargetRecordView): string | null => {
    const id = view.record.id;
    const known = paths.get(id);
    if (known !== undefined) return known;
    const remembered = items.get(id)?.itemKey ?? null;
    const pageId = view.record.pageId;
    if (!pageId) return remembered;
    if (remembered && held.has(id)) {
      paths.set(id, remembered);
      return remembered;
    }
    const name =
      remembered && !options.rename
        ? baseName(remembered)
        : fileNameFor(titleOf(source, view.fields), pageId);
    visiting.add(id);
    const parent = options.layout === 'tree' ? byPage.get(view.record.parentId ?? '') : undefined;
    const parentPath = parent && !visiting.has(parent.record.id) ? pathOf(parent) : null;
    visiting.delete(id);
    const path = parentPath ? `${childFolderOf(parentPath)}/${name}` : name;
    paths.set(id, path);
    return path;
  };
  for (const view of views) if (view.record.tombstone === null) pathOf(view);
  return paths;
}
