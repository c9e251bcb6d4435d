// Page sources (`page: <id or URL>`): the page and every page below it, each with its content
// as Markdown. Invariants: a page's child pages are found in the Markdown the pull reads for its
// content anyway — Notion names every child page with a `<page url="…">` line, at any depth of
// blocks (toggles, columns, …) — so a page costs its Markdown plus its metadata; the block API
// is read only for what the Markdown cannot show: blocks it leaves as `<unknown>` (already read
// raw with their children) and pages whose answer was truncated or incomplete (their whole
// block tree is walked, as before). No page is listed twice; a walk from the source page that
// finished lists the tree completely (reconcile relies on that); trashed or vanished child
// pages are not listed, so they become reconcile candidates and are confirmed like rows.
import type { PageObjectResponse } from '@notionhq/client';
import type { BlockNode, NotionClient, PageMarkdownResult } from '../../notion/index.ts';
import { isNotionApiError, listMarkdownReferences } from '../../notion/index.ts';
import { mapLimit } from '../map-limit.ts';
import { type ContentRead, readPageMarkdown } from './content.ts';

export interface TreeNode {
  page: PageObjectResponse;
  /** The page it was found in; null keeps the stored parent (the source page, known pages). */
  parentId: string | null;
}

export interface TreePage extends TreeNode {
  /** The Markdown read while walking, for the row pipeline (no second read). */
  content: ContentRead;
}

export interface TreeWalkOptions {
  /** Pages per yielded batch (default 25). */
  batchSize?: number;
  /** Pages read at once (default 1). */
  concurrency?: number;
  /**
   * Ids not to list again; the walk adds every page it lists. Passing the pages already stored
   * keeps an incremental walk out of unchanged subtrees.
   */
  seen?: Set<string>;
  /** Page objects already at hand (search results) — used instead of retrieving them. */
  known?: ReadonlyMap<string, PageObjectResponse>;
}

function childPageBlocks(nodes: readonly BlockNode[]): string[] {
  const ids: string[] = [];
  const visit = (list: readonly BlockNode[]) => {
    for (const node of list) {
      if (node.block.type === 'child_page' && !(node.block as { in_trash?: boolean }).in_trash)
        ids.push(node.block.id);
      visit(node.children);
    }
  };
  visit(nodes);
  return ids;
}

/** Child page ids of a page, from its Markdown read (block walk only where it cannot show them). */
export async function childPagesOf(
  notion: NotionClient,
  pageId: string,
  read: PageMarkdownResult,
): Promise<string[]> {
  const ids = new Set([
    ...listMarkdownReferences(read.markdown).pages,
    ...childPageBlocks(read.unknownBlocks),
  ]);
  if (read.truncated || !read.complete) {
    const tree = await notion.collectBlockTree(pageId, { descendIntoChildPages: false });
    for (const id of childPageBlocks(tree)) ids.add(id);
  }
  return [...ids];
}

async function fetchPage(
  notion: NotionClient,
  id: string,
  known: TreeWalkOptions['known'],
): Promise<PageObjectResponse | null> {
  try {
    const page =
      known?.get(id) ?? ((await notion.pages.retrieve({ page_id: id })) as PageObjectResponse);
    return (page as { in_trash?: boolean }).in_trash ? null : page;
  } catch (error) {
    if (isNotionApiError(error) && error.code === 'notion_not_found') return null;
    throw error;
  }
}

interface ReadNode {
  entry: TreePage;
  children: string[];
}

async function readNode(notion: NotionClient, node: TreeNode): Promise<ReadNode | null> {
  const read = await readPageMarkdown(notion, node.page.id);
  if (!read) return null;
  return {
    entry: { ...node, content: { markdown: read.markdown, complete: read.complete } },
    children: await childPagesOf(notion, node.page.id, read),
  };
}

/**
 * The pages under `roots` (roots included), breadth first, in batches, each with its Markdown.
 * A page that vanished while walking (404) or is in the trash is left out.
 */
export async function* walkPageTree(
  notion: NotionClient,
  roots: readonly TreeNode[],
  options: TreeWalkOptions = {},
): AsyncGenerator<TreePage[]> {
  const batchSize = options.batchSize ?? 25;
  const concurrency = options.concurrency ?? 1;
  const seen = options.seen ?? new Set<string>();
  let frontier = roots.filter((node) => !seen.has(node.page.id));
  for (const node of frontier) seen.add(node.page.id);
  while (frontier.length > 0) {
    const slice = frontier.slice(0, batchSize);
    frontier = frontier.slice(batchSize);
    const read = (await mapLimit(slice, concurrency, (node) => readNode(notion, node))).filter(
      (r): r is ReadNode => r !== null,
    );
    const found: { id: string; parentId: string }[] = [];
    for (const { entry, children } of read) {
      for (const id of children) {
        if (seen.has(id)) continue;
        seen.add(id);
        found.push({ id, parentId: entry.page.id });
      }
    }
    const pages = await mapLimit(found, concurrency, (f) => fetchPage(notion, f.id, options.known));
    found.forEach((f, i) => {
      const page = pages[i];
      if (page) frontier.push({ page, parentId: f.parentId });
    });
    if (read.length > 0) yield read.map((r) => r.entry);
  }
}
