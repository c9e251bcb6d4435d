// What moved in a page tree since the last pull, learned from search (DESIGN.md §5). Search
// sorted by last_edited_time is a HINT: its index lags and it may miss pages (notion-api.md
// §4.7), so the window reaches back past the previous run by the overlap plus a lag allowance,
// and a periodic complete walk of the tree stays the source of truth for deletions and moves.
// Invariants: a hit joins the tree when its parent page is in the tree (the source page, a
// stored page, or a hit that joined), or when it is a stored page nested in a block; a stored
// page whose parent page is outside the tree moved out and is left to the complete walk; a new
// page nested in a block of a tree page is found through its parent's changed Markdown; trashed
// hits are only candidates — reconcile confirms each one by a retrieve before any tombstone.
import type { PageObjectResponse } from '@notionhq/client';
import type { NotionClient } from '../../notion/index.ts';
import type { TreeNode } from './page-tree.ts';

/** Search results one incremental pull reads at most before a complete walk is cheaper. */
export const MAX_HINT_RESULTS = 1_000;

/** How long search may take to show an edit (added to the overlap of the hint window). */
export const SEARCH_LAG_MS = 5 * 60_000;

export interface TreeChanges {
  /** Pages of the tree edited in the window: the root first, then by last edit. */
  edited: TreeNode[];
  /** Every hit by id (a changed page's new child may be one: no retrieve needed). */
  hits: Map<string, PageObjectResponse>;
  /** Stored live pages that search lists as trashed. */
  trashed: string[];
}

/**
 * Pages edited at or after `sinceMs`, newest first, or null when there are more than
 * MAX_HINT_RESULTS of them (a complete walk is then the cheaper way to catch up).
 */
async function listEditedSince(
  notion: NotionClient,
  sinceMs: number,
  inTrash: boolean,
): Promise<PageObjectResponse[] | null> {
  const pages: PageObjectResponse[] = [];
  const search = notion.iterateSearch({
    filter: { property: 'object', value: 'page', ...(inTrash ? { in_trash: true } : {}) },
    sort: { timestamp: 'last_edited_time', direction: 'descending' },
  });
  for await (const hit of search) {
    if (hit.object !== 'page') continue;
    if (Date.parse(hit.last_edited_time) < sinceMs) break;
    if (pages.length >= MAX_HINT_RESULTS) return null;
    pages.push(hit);
  }
  return pages;
}

function parentPageId(page: PageObjectResponse): string | null {
  const parent = page.parent as { type?: string; page_id?: string };
  return parent.type === 'page_id' ? (parent.page_id ?? null) : null;
}

/**
 * The tree pages search shows as edited since `sinceMs` (`stored`: page ids of the source with
 * tombstoned ones, `live`: without), or null when a complete walk should run instead.
 */
export async function findTreeChanges(
  notion: NotionClient,
  root: PageObjectResponse,
  sinceMs: number,
  stored: { all: ReadonlySet<string>; live: ReadonlySet<string> },
): Promise<TreeChanges | null> {
  const live = await listEditedSince(notion, sinceMs, false);
  const trashedHits = live ? await listEditedSince(notion, sinceMs, true) : null;
  if (!live || !trashedHits) return null;
  const hits = new Map(live.map((page) => [page.id, page]));
  const tree = new Set([...stored.live, root.id]);
  const edited: TreeNode[] = [{ page: root, parentId: null }];
  let pending = live.filter((page) => page.id !== root.id);
  for (let joined = true; joined; ) {
    joined = false;
    const rest: PageObjectResponse[] = [];
    for (const page of pending) {
      const parent = parentPageId(page);
      if (parent !== null && tree.has(parent)) edited.push({ page, parentId: parent });
      else if (parent === null && stored.all.has(page.id)) edited.push({ page, parentId: null });
      else {
        rest.push(page);
        continue;
      }
      tree.add(page.id);
      joined = true;
    }
    pending = rest;
  }
  const trashed = trashedHits.map((page) => page.id).filter((id) => stored.live.has(id));
  return { edited, hits, trashed };
}
