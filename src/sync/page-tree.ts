// Page sources (`page: <id or URL>`): the page and every page below it, each with its content
// as Markdown. Invariants: the walk reads the block tree of each page to find child pages at
// any depth (inside toggles, columns, …), never descending into a child page's blocks twice;
// only a walk that finished lists the tree completely (reconcile relies on that); trashed child
// pages are not listed, so they become reconcile candidates and are confirmed like rows.
import type { PageObjectResponse } from '@notionhq/client';
import type { BlockNode, NotionClient } from '../notion/index.ts';
import { isNotionApiError } from '../notion/index.ts';

export interface TreePage {
  page: PageObjectResponse;
  parentId: string | null;
}

function childPageIds(nodes: BlockNode[]): string[] {
  const ids: string[] = [];
  const visit = (list: BlockNode[]) => {
    for (const node of list) {
      if (node.block.type === 'child_page' && !(node.block as { in_trash?: boolean }).in_trash)
        ids.push(node.block.id);
      visit(node.children);
    }
  };
  visit(nodes);
  return ids;
}

/**
 * Pages of the tree under `root`, breadth first, in batches of up to `batchSize`. A child page
 * that vanished while walking (404) is skipped.
 */
export async function* iteratePageTree(
  notion: NotionClient,
  root: PageObjectResponse,
  batchSize = 25,
): AsyncGenerator<TreePage[]> {
  const seen = new Set<string>([root.id]);
  const queue: TreePage[] = [{ page: root, parentId: null }];
  let batch: TreePage[] = [];
  while (queue.length > 0) {
    const current = queue.shift()!;
    batch.push(current);
    const tree = await notion.collectBlockTree(current.page.id, { descendIntoChildPages: false });
    for (const id of childPageIds(tree)) {
      if (seen.has(id)) continue;
      seen.add(id);
      try {
        const page = (await notion.pages.retrieve({ page_id: id })) as PageObjectResponse;
        if (!(page as { in_trash?: boolean }).in_trash)
          queue.push({ page, parentId: current.page.id });
      } catch (error) {
        if (!(isNotionApiError(error) && error.code === 'notion_not_found')) throw error;
      }
    }
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
