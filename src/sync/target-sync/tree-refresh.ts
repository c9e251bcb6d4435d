// A page's Markdown names each child page (`<page url="…">Title</page>`), but a child created,
// retitled, moved or trashed leaves its parent's last_edited_time alone, so neither the pull
// (which re-reads only pages that moved on) nor the push brings the parent's new Markdown in,
// and the parent's file would keep the old line. After its push, the sync of a page tree
// compares each stored page's child lines with the pages the store has under it (ids and
// titles) and re-reads the pages that differ, before the export writes the files. A page whose
// Markdown names other pages than its children (a link to a page) is re-read on every sync:
// reads only, and an unchanged page writes no version.
import { parseNotionId } from '../../shared/index.ts';
import type { Source, Store } from '../store-api.ts';

const CHILD_LINE = /^\s*<page url="([^"]*)">(.*)<\/page>\s*$/;

/** The child page lines of a page's Markdown: page id → title as shown. */
function childLinesOf(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of markdown.split('\n')) {
    const match = CHILD_LINE.exec(line);
    const id = match ? parseNotionId(match[1] ?? '') : null;
    if (id) out.set(id, (match?.[2] ?? '').replace(/\\(.)/g, '$1'));
  }
  return out;
}

function sameChildren(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, title] of a) if (b.get(id) !== title) return false;
  return true;
}

/** Live pages whose stored Markdown names other children than the store has under them. */
export async function staleParents(store: Store, source: Source): Promise<string[]> {
  const views = await store.targets.listRecords(source.id);
  const children = new Map<string, Map<string, string>>();
  for (const { record, fields } of views) {
    if (record.tombstone !== null || !record.pageId || !record.parentId) continue;
    const kids = children.get(record.parentId) ?? new Map<string, string>();
    kids.set(record.pageId, typeof fields.title === 'string' ? fields.title : '');
    children.set(record.parentId, kids);
  }
  const stale: string[] = [];
  for (const { record, content } of views) {
    if (record.tombstone !== null || !record.pageId || typeof content !== 'string') continue;
    const kids = children.get(record.pageId) ?? new Map<string, string>();
    if (!sameChildren(childLinesOf(content), kids)) stale.push(record.pageId);
  }
  return stale;
}
