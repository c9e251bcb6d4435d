import { type BlockDraft, parseBlockArray } from '../block-input.ts';
import { bodyValidationError, validationError } from '../errors.ts';
import { signMarkdownFiles } from '../file-host.ts';
import {
  type BlockRequest,
  blocksToMarkdown,
  type MarkdownBlock,
  markdownToBlocks,
} from '../markdown/markdown.ts';
import { assertNotInTrash } from '../page-writes.ts';
import { renderBlock } from '../render.ts';
import { isObject } from '../rich-text.ts';
import { type ApiRequest, pathId, type Route } from '../router.ts';
import type { JsonObject, PageRecord } from '../state.ts';
import type { Workspace } from '../workspace.ts';
import { startAsyncTask } from './async-tasks.ts';
import { insertDrafts, trashSubtree } from './block-tree.ts';
import { applyKeepingBlocks } from './markdown-block-reuse.ts';

/** Search-and-replace pairs one `update_content` request may carry (the endpoint's OpenAPI). */
export const MAX_CONTENT_UPDATES = 100;

/** Pages longer than this many blocks come back with `truncated: true`. */
export const MARKDOWN_BLOCK_LIMIT = 20_000;

interface TreeBudget {
  left: number;
  /** Blocks left out once the budget ran out: their subtrees can be fetched by id. */
  omitted: string[];
}

function loadTree(ws: Workspace, childIds: readonly string[], budget: TreeBudget): MarkdownBlock[] {
  const out: MarkdownBlock[] = [];
  for (const id of childIds) {
    const found = ws.findObject(id);
    if (!found || found.kind === 'data_source' || (found.record as { inTrash: boolean }).inTrash) {
      continue;
    }
    if (budget.left <= 0) {
      budget.omitted.push(id);
      continue;
    }
    budget.left -= 1;
    const block = renderBlock(ws, found, '2026-03-11') as MarkdownBlock;
    if (found.kind === 'block' && found.record.childIds.length > 0) {
      block.children = loadTree(ws, found.record.childIds, budget);
    }
    out.push(block);
  }
  return out;
}

/**
 * A page's content (or, for a block id from a truncated answer's `unknown_block_ids`, that
 * block's subtree) as Markdown, at most MARKDOWN_BLOCK_LIMIT blocks; left-out blocks are listed.
 */
function renderMarkdown(
  ws: Workspace,
  id: string,
  roots: readonly string[],
  pageId: string,
): JsonObject {
  const budget: TreeBudget = { left: MARKDOWN_BLOCK_LIMIT, omitted: [] };
  const result = blocksToMarkdown(loadTree(ws, roots, budget), { pageId });
  return {
    object: 'page_markdown',
    id,
    markdown: signMarkdownFiles(ws, result.markdown),
    truncated: budget.omitted.length > 0,
    unknown_block_ids: [...result.unknownBlockIds, ...budget.omitted],
  };
}

function renderPageMarkdown(ws: Workspace, page: PageRecord): JsonObject {
  return renderMarkdown(ws, page.id, page.childIds, page.id);
}

function retrieveMarkdownRoute(request: ApiRequest): JsonObject {
  const { ws, actor } = request;
  const id = pathId(request, 'page_id');
  const block = ws.state.blocks[id];
  if (!block || !ws.isVisible(id, actor.id)) return renderPageMarkdown(ws, ws.page(id, actor));
  let pageId = id;
  for (let parent = block.parent; parent.type === 'block_id'; ) {
    pageId = parent.id;
    parent = ws.state.blocks[parent.id]?.parent ?? { type: 'workspace' };
  }
  const top = ws.state.blocks[pageId]?.parent;
  return renderMarkdown(ws, id, [id], top && top.type !== 'workspace' ? top.id : pageId);
}

/** Markdown → validated block drafts; `child_page`/`child_database` references keep their object. */
export function markdownBodyToDrafts(ws: Workspace, markdown: unknown, path: string): BlockDraft[] {
  if (typeof markdown !== 'string') throw bodyValidationError(path, 'should be a string');
  const requests = markdownToBlocks(markdown).filter(
    (b: BlockRequest) => b.type !== 'child_page' && b.type !== 'child_database',
  );
  return parseBlockArrayUnbounded(ws, requests, path);
}

/** Markdown may hold more than 100 top-level blocks; the per-array limit applies to JSON bodies. */
function parseBlockArrayUnbounded(
  ws: Workspace,
  requests: readonly BlockRequest[],
  path: string,
): BlockDraft[] {
  const drafts: BlockDraft[] = [];
  for (let i = 0; i < requests.length; i += 100) {
    drafts.push(...parseBlockArray(requests.slice(i, i + 100), path, ws.resolver));
  }
  return drafts;
}

function findRange(markdown: string, selection: string): [number, number] {
  const [startText, endText] = selection.includes('...')
    ? selection.split('...', 2)
    : [selection, undefined];
  const start = markdown.indexOf(startText ?? '');
  if (start < 0 || startText === '')
    throw validationError(`Could not find the content to select: ${selection}`);
  if (endText === undefined) return [start, start + (startText ?? '').length];
  const end = markdown.indexOf(endText, start + (startText ?? '').length);
  if (end < 0) throw validationError(`Could not find the content to select: ${selection}`);
  return [start, end + endText.length];
}

function editedMarkdown(
  current: string,
  body: Record<string, unknown>,
): { markdown: string; allowDeleting: boolean } {
  const type = String(body.type ?? '');
  const args = body[type];
  if (!isObject(args)) throw bodyValidationError(`body.${type || 'type'}`, 'should be defined');
  const allowDeleting = args.allow_deleting_content === true;
  switch (type) {
    case 'insert_content': {
      const content = String(args.content ?? '');
      if (typeof args.after === 'string') {
        const [, end] = findRange(current, args.after);
        const lineEnd = current.indexOf('\n', end);
        const at = lineEnd < 0 ? current.length : lineEnd;
        return {
          markdown: `${current.slice(0, at)}\n${content}${current.slice(at)}`,
          allowDeleting,
        };
      }
      const atStart = isObject(args.position) && args.position.type === 'start';
      if (current === '') return { markdown: content, allowDeleting };
      return {
        markdown: atStart ? `${content}\n${current}` : `${current}\n${content}`,
        allowDeleting,
      };
    }
    case 'replace_content_range': {
      const [start, end] = findRange(current, String(args.content_range ?? ''));
      return {
        markdown: current.slice(0, start) + String(args.content ?? '') + current.slice(end),
        allowDeleting,
      };
    }
    case 'update_content': {
      let markdown = current;
      const updates = Array.isArray(args.content_updates) ? args.content_updates : [];
      if (updates.length > MAX_CONTENT_UPDATES) {
        throw bodyValidationError(
          'body.update_content.content_updates.length',
          `should be ≤ \`${MAX_CONTENT_UPDATES}\`, instead was \`${updates.length}\``,
        );
      }
      for (const [index, update] of updates.entries()) {
        if (
          !isObject(update) ||
          typeof update.old_str !== 'string' ||
          typeof update.new_str !== 'string'
        ) {
          throw bodyValidationError(
            `body.update_content.content_updates[${index}]`,
            'should have old_str and new_str',
          );
        }
        const count = markdown.split(update.old_str).length - 1;
        if (count === 0)
          throw validationError(`old_str not found in the page content: ${update.old_str}`);
        if (count > 1 && update.replace_all_matches !== true) {
          throw validationError(
            `old_str matches ${count} times; set replace_all_matches or make it unique: ${update.old_str}`,
          );
        }
        markdown = markdown.split(update.old_str).join(update.new_str);
      }
      return { markdown, allowDeleting };
    }
    case 'replace_content':
      return { markdown: String(args.new_str ?? ''), allowDeleting };
    default:
      throw bodyValidationError(
        'body.type',
        `should be one of insert_content, replace_content_range, update_content, replace_content, instead was \`${JSON.stringify(type)}\``,
      );
  }
}

/** Appends or prepends without rebuilding, so existing blocks keep their ids. */
function insertWithoutRebuild(request: ApiRequest, page: PageRecord): boolean {
  const args = request.body.insert_content;
  if (request.body.type !== 'insert_content' || !isObject(args) || args.after !== undefined)
    return false;
  const drafts = markdownBodyToDrafts(request.ws, args.content, 'body.insert_content.content');
  const atStart = isObject(args.position) && args.position.type === 'start';
  insertDrafts(request.ws, page, drafts, request.actor.id, atStart ? 0 : page.childIds.length);
  return true;
}

function applyMarkdownEdit(request: ApiRequest, page: PageRecord): void {
  const { ws, actor, body } = request;
  if (insertWithoutRebuild(request, page)) return;
  const current = String(renderPageMarkdown(ws, page).markdown);
  const { markdown, allowDeleting } = editedMarkdown(current, body);
  const requests = markdownToBlocks(markdown);
  const kept = new Set(
    requests.flatMap((b) =>
      (b.type === 'child_page' || b.type === 'child_database') && isObject(b[b.type])
        ? [String((b[b.type] as { id?: unknown }).id)]
        : [],
    ),
  );
  // A child in the trash is not in the Markdown, so an edit cannot delete it.
  const lost = page.childIds.filter((id) => {
    const child = ws.state.pages[id] ?? ws.state.databases[id];
    return child !== undefined && !child.inTrash && !kept.has(id);
  });
  if (lost.length > 0 && !allowDeleting) {
    throw validationError(
      `The update would delete ${lost.length} child page(s) or database(s); set allow_deleting_content to true to allow it.`,
    );
  }
  const toDrafts = (list: BlockRequest[]) => parseBlockArrayUnbounded(ws, list, 'body.markdown');
  // A targeted edit keeps untouched blocks; replacing the whole content recreates every block.
  if (body.type !== 'replace_content') {
    if (applyKeepingBlocks(ws, page, current, markdown, actor.id, toDrafts)) return;
  }
  const drafts = toDrafts(
    requests.filter((b) => b.type !== 'child_page' && b.type !== 'child_database'),
  );
  for (const id of page.childIds) if (!kept.has(id)) trashSubtree(ws, id);
  const childObjects = page.childIds.filter((id) => kept.has(id));
  page.childIds = childObjects;
  insertDrafts(ws, page, drafts, actor.id, 0);
}

function updateMarkdownRoute(
  request: ApiRequest,
): JsonObject | { status: number; body: JsonObject } {
  const { ws, actor } = request;
  const page = ws.page(pathId(request, 'page_id'), actor);
  assertNotInTrash(page, 'page');
  applyMarkdownEdit(request, page);
  page.lastEditedTime = ws.now();
  page.lastEditedBy = actor.id;
  const result = renderPageMarkdown(ws, page);
  if (request.body.allow_async !== true) return result;
  return { status: 202, body: startAsyncTask(ws, 'PATCH /v1/pages/:page_id/markdown', result) };
}

export const markdownRoutes: Route[] = [
  {
    method: 'GET',
    template: '/v1/pages/{page_id}/markdown',
    handler: retrieveMarkdownRoute,
  },
  { method: 'PATCH', template: '/v1/pages/{page_id}/markdown', handler: updateMarkdownRoute },
];
