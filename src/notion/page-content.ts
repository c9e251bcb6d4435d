import type { BlockObjectResponse } from '@notionhq/client';
import { NotionSyncError } from '../errors.ts';
import type { NotionApi } from './notion-api.ts';
import { isNotionApiError } from './notion-error.ts';
import { iterateListItems, iterateListPages } from './pagination.ts';

export interface PageMarkdownOptions {
  /** How many levels of `unknown_block_ids` to follow (default 5). */
  maxDepth?: number;
  includeTranscript?: boolean;
}

export interface PageMarkdownResult {
  markdown: string;
  /** False when some subtrees could not be fetched (depth guard, or Notion refused them). */
  complete: boolean;
  /**
   * True when some answer came back truncated: its left-out blocks were fetched by id, so a
   * left-out child page may show as spliced content instead of its `<page>` tag.
   */
  truncated: boolean;
  /** Block ids whose content is missing from the result. */
  missingBlockIds: string[];
  /**
   * Blocks Markdown cannot express (bookmarks, embeds, …: `<unknown …/>` in `markdown`), read
   * raw through the block API with their children, so nothing is lost.
   */
  unknownBlocks: BlockNode[];
  /** Requests made (1 + followed subtrees and block walks). */
  requests: number;
}

const compact = (id: string) => id.replaceAll('-', '').toLowerCase();

/** Replaces the line that references `blockId` (Notion's placeholder tag) with `content`, else appends it. */
export function spliceSubtree(markdown: string, blockId: string, content: string): string {
  const key = compact(blockId);
  const lines = markdown.split('\n');
  const at = lines.findIndex((line) => /^\s*</.test(line) && compact(line).includes(key));
  if (at === -1) return markdown.length === 0 ? content : `${markdown}\n${content}`;
  const indent = /^\s*/.exec(lines[at] ?? '')?.[0] ?? '';
  const block = content.split('\n').map((line) => (line.length > 0 ? indent + line : line));
  lines.splice(at, 1, ...block);
  return lines.join('\n');
}

interface PendingBlock {
  id: string;
  depth: number;
  /** Left out because the answer was truncated: its subtree can be read as Markdown. */
  truncated: boolean;
}

const isRefusal = (error: unknown) =>
  isNotionApiError(error) &&
  (error.code === 'notion_not_found' || error.code === 'notion_validation');

/**
 * A page as Notion-flavoured Markdown (`GET /v1/pages/{id}/markdown`). When Notion truncates
 * the answer, each id of `unknown_block_ids` is fetched through the same endpoint and spliced in
 * place of its placeholder; blocks Markdown cannot express are read raw through the block API
 * (`unknownBlocks`). Both walks stop at `maxDepth`, and anything left out is reported.
 */
export async function getPageMarkdown(
  api: NotionApi,
  pageId: string,
  options: PageMarkdownOptions = {},
): Promise<PageMarkdownResult> {
  const maxDepth = options.maxDepth ?? 5;
  const extra = options.includeTranscript ? { include_transcript: true } : {};
  const root = await api.pages.retrieveMarkdown({ page_id: pageId, ...extra });
  const result: PageMarkdownResult = {
    markdown: root.markdown,
    complete: true,
    truncated: root.truncated,
    missingBlockIds: [],
    unknownBlocks: [],
    requests: 1,
  };
  if (root.truncated && root.unknown_block_ids.length === 0) result.complete = false;
  const seen = new Set<string>([compact(pageId)]);
  const queue: PendingBlock[] = root.unknown_block_ids.map((id) => ({
    id,
    depth: 1,
    truncated: root.truncated,
  }));
  for (let next = queue.shift(); next; next = queue.shift()) {
    if (seen.has(compact(next.id))) continue;
    seen.add(compact(next.id));
    if (next.depth > maxDepth) {
      result.missingBlockIds.push(next.id);
      continue;
    }
    if (next.truncated && (await followSubtree(api, next, extra, result, queue))) continue;
    await walkUnknownBlock(api, next, maxDepth, result);
  }
  result.complete &&= result.missingBlockIds.length === 0;
  return result;
}

async function followSubtree(
  api: NotionApi,
  pending: PendingBlock,
  extra: { include_transcript?: boolean },
  result: PageMarkdownResult,
  queue: PendingBlock[],
): Promise<boolean> {
  result.requests += 1;
  try {
    const part = await api.pages.retrieveMarkdown({ page_id: pending.id, ...extra });
    result.markdown = spliceSubtree(result.markdown, pending.id, part.markdown);
    result.truncated ||= part.truncated;
    if (part.truncated && part.unknown_block_ids.length === 0) result.complete = false;
    for (const id of part.unknown_block_ids)
      queue.push({ id, depth: pending.depth + 1, truncated: part.truncated });
    return true;
  } catch (error) {
    if (isRefusal(error)) return false;
    throw error;
  }
}

async function walkUnknownBlock(
  api: NotionApi,
  pending: PendingBlock,
  maxDepth: number,
  result: PageMarkdownResult,
) {
  result.requests += 1;
  try {
    const block = await api.blocks.retrieve({ block_id: pending.id });
    if (!('type' in block))
      throw new NotionSyncError('notion_bad_response', `Block ${pending.id} came back partial.`);
    const children = block.has_children
      ? await collectBlockTree(api, block.id, { maxDepth: Math.max(0, maxDepth - pending.depth) })
      : [];
    result.unknownBlocks.push({ block, children });
  } catch (error) {
    if (
      !isRefusal(error) &&
      !(error instanceof NotionSyncError && error.code === 'notion_incomplete')
    )
      throw error;
    result.missingBlockIds.push(pending.id);
  }
}

export interface ReplaceMarkdownOptions {
  /** Allow Notion to delete blocks (e.g. child pages) that the new content leaves out (default false). */
  allowDeletingContent?: boolean;
}

/** Replaces a page's whole content with `markdown` (`PATCH /v1/pages/{id}/markdown`, `replace_content`). */
export async function replacePageMarkdown(
  api: NotionApi,
  pageId: string,
  markdown: string,
  options: ReplaceMarkdownOptions = {},
): Promise<{ markdown: string; truncated: boolean }> {
  const response = await api.pages.updateMarkdown({
    page_id: pageId,
    type: 'replace_content',
    replace_content: {
      new_str: markdown,
      ...(options.allowDeletingContent ? { allow_deleting_content: true } : {}),
    },
  });
  return { markdown: response.markdown, truncated: response.truncated };
}

/** Direct children of a block or page, every page of them. */
export function iterateBlockChildren(
  api: NotionApi,
  blockId: string,
): AsyncGenerator<BlockObjectResponse> {
  const pages = iterateListPages(
    async (cursor) => {
      const response = await api.blocks.children.list({
        block_id: blockId,
        page_size: 100,
        ...(cursor ? { start_cursor: cursor } : {}),
      });
      return {
        ...response,
        results: response.results.filter((b): b is BlockObjectResponse => 'type' in b),
      };
    },
    { what: `children of block ${blockId}` },
  );
  return iterateListItems(pages, `children of block ${blockId}`);
}

export interface BlockNode {
  block: BlockObjectResponse;
  children: BlockNode[];
}

export interface BlockTreeOptions {
  /** Levels below the root to read (default 10); deeper content is `notion_incomplete`. */
  maxDepth?: number;
  /** Also descend into child pages and databases (default false: they are pages of their own). */
  descendIntoChildPages?: boolean;
}

/** The raw block tree under a page or block, read depth-first (`has_children` blocks are expanded). */
export async function collectBlockTree(
  api: NotionApi,
  blockId: string,
  options: BlockTreeOptions = {},
): Promise<BlockNode[]> {
  const maxDepth = options.maxDepth ?? 10;
  const walk = async (id: string, depth: number): Promise<BlockNode[]> => {
    const nodes: BlockNode[] = [];
    for await (const block of iterateBlockChildren(api, id)) {
      const isPage = block.type === 'child_page' || block.type === 'child_database';
      let children: BlockNode[] = [];
      if (block.has_children && (!isPage || options.descendIntoChildPages)) {
        if (depth >= maxDepth) {
          throw new NotionSyncError(
            'notion_incomplete',
            `Block ${block.id} is nested deeper than ${maxDepth} levels under ${blockId}; raise maxDepth to read it.`,
            { details: { blockId: block.id, maxDepth } },
          );
        }
        children = await walk(block.id, depth + 1);
      }
      nodes.push({ block, children });
    }
    return nodes;
  };
  return walk(blockId, 0);
}
