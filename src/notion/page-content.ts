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
  /** Block ids whose content is missing from `markdown`. */
  missingBlockIds: string[];
  /** Markdown requests made (1 + followed subtrees). */
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

/**
 * A page as Notion-flavoured Markdown (`GET /v1/pages/{id}/markdown`). When Notion truncates
 * the answer, each id of `unknown_block_ids` is fetched through the same endpoint and spliced
 * in place of its placeholder, recursively up to `maxDepth`; anything left out is reported.
 */
export async function getPageMarkdown(
  api: NotionApi,
  pageId: string,
  options: PageMarkdownOptions = {},
): Promise<PageMarkdownResult> {
  const maxDepth = options.maxDepth ?? 5;
  const extra = options.includeTranscript ? { include_transcript: true } : {};
  const root = await api.pages.retrieveMarkdown({ page_id: pageId, ...extra });
  let markdown = root.markdown;
  let requests = 1;
  let rootTruncatedWithoutIds = root.truncated && root.unknown_block_ids.length === 0;
  const missing: string[] = [];
  const seen = new Set<string>([compact(pageId)]);
  const queue = root.unknown_block_ids.map((id) => ({ id, depth: 1 }));
  while (queue.length > 0) {
    const next = queue.shift();
    if (!next || seen.has(compact(next.id))) continue;
    seen.add(compact(next.id));
    if (next.depth > maxDepth) {
      missing.push(next.id);
      continue;
    }
    try {
      const part = await api.pages.retrieveMarkdown({ page_id: next.id, ...extra });
      requests += 1;
      markdown = spliceSubtree(markdown, next.id, part.markdown);
      if (part.truncated && part.unknown_block_ids.length === 0) rootTruncatedWithoutIds = true;
      for (const id of part.unknown_block_ids) queue.push({ id, depth: next.depth + 1 });
    } catch (error) {
      requests += 1;
      if (
        !isNotionApiError(error) ||
        (error.code !== 'notion_not_found' && error.code !== 'notion_validation')
      )
        throw error;
      missing.push(next.id);
    }
  }
  return {
    markdown,
    complete: missing.length === 0 && !rootTruncatedWithoutIds,
    missingBlockIds: missing,
    requests,
  };
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
