// Targeted edits of a page's Markdown (`PATCH /v1/pages/{id}/markdown`): the line diff between
// what Notion holds and what it should hold becomes `update_content` search-and-replace pairs,
// each anchored on whole lines made unique by context, never a `replace_content` of the whole
// body (which recreates every block: new ids, detached comments, lost child pages). An empty
// page takes the body through `insert_content`. Limits (notion-api.md §5.2 and the OpenAPI of
// the endpoint): at most 100 `content_updates` per request, a request well under 500 KB and
// under 1 000 blocks (lines), and a long insertion split into several pieces.
import { diffPatch } from 'node-diff3';
import { normalizeNotionMarkdown } from './file-refs.ts';
import type { NotionApi, UpdatePageMarkdownParameters } from './notion-api.ts';

export interface MarkdownEditLimits {
  /** `content_updates` per request (Notion: 100). */
  maxUpdatesPerRequest: number;
  /** Characters of old and new text per request (Notion refuses bodies over 500 KB). */
  maxCharsPerRequest: number;
  /** Lines of new text per update (a long insertion becomes several updates). */
  maxLinesPerUpdate: number;
  /** Lines of new text per request (Notion takes at most 1 000 block elements per request). */
  maxLinesPerRequest: number;
}

export const MARKDOWN_EDIT_LIMITS: MarkdownEditLimits = {
  maxUpdatesPerRequest: 100,
  maxCharsPerRequest: 200_000,
  maxLinesPerUpdate: 400,
  maxLinesPerRequest: 900,
};

export interface ContentUpdate {
  old_str: string;
  new_str: string;
}

export type MarkdownEditRequest =
  | { type: 'update_content'; update_content: { content_updates: ContentUpdate[] } }
  | { type: 'insert_content'; insert_content: { content: string } };

function countOf(text: string, part: string): number {
  let count = 0;
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
    count += 1;
    if (count > 1) return count;
  }
  return count;
}

/** A line Notion serves differently on every read (a hosted file's signed link). */
function isVolatile(line: string | undefined): boolean {
  return line !== undefined && normalizeNotionMarkdown(line) !== line;
}

/**
 * One update replacing `lines[start, start + removed)` with `added`: the old text is the changed
 * lines widened by context lines until it occurs exactly once in the current text — towards a
 * line that reads the same next time when it can (a signed link in `old_str` would not match).
 */
function anchoredUpdate(
  lines: string[],
  start: number,
  removed: number,
  added: string[],
): ContentUpdate {
  const text = lines.join('\n');
  let from = start;
  let to = start + removed;
  for (let grow = 0; ; grow += 1) {
    const old = lines.slice(from, to).join('\n');
    // Removed lines take a line break with them: only a context line around them carries it.
    const breaks = added.length > 0 || from < start || to > start + removed;
    if ((old !== '' && breaks && countOf(text, old) === 1) || (from === 0 && to === lines.length)) {
      const replaced = [...lines.slice(from, start), ...added, ...lines.slice(start + removed, to)];
      return { old_str: old, new_str: replaced.join('\n') };
    }
    // Alternate below and above, avoiding a volatile line while the other side has none.
    const below = to < lines.length && !isVolatile(lines[to]);
    const above = from > 0 && !isVolatile(lines[from - 1]);
    const down = below && above ? grow % 2 === 0 : below || (!above && to < lines.length);
    if (down || from === 0) to += 1;
    else from -= 1;
  }
}

function chunked<T>(items: T[], size: number): T[][] {
  if (items.length === 0) return [[]];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The updates that turn `current` into `target`, in the order Notion applies them. */
export function planContentUpdates(
  current: string,
  target: string,
  limits: MarkdownEditLimits = MARKDOWN_EDIT_LIMITS,
): ContentUpdate[] {
  const lines = current.split('\n');
  const updates: ContentUpdate[] = [];
  // Bottom up: the lines above a hunk are still the original ones, and the text never runs
  // empty before the last update (an empty page has nothing to anchor on).
  for (const hunk of diffPatch(lines, target.split('\n')).reverse()) {
    const pieces = chunked(hunk.buffer2.chunk as string[], limits.maxLinesPerUpdate);
    let at = hunk.buffer1.offset as number;
    let removed = hunk.buffer1.length as number;
    for (const piece of pieces) {
      const update = anchoredUpdate(lines, at, removed, piece);
      // Only blank lines left to anchor on: one update of the whole (non-empty) body instead.
      if (update.old_str === '') return [{ old_str: current, new_str: target }];
      updates.push(update);
      lines.splice(at, removed, ...piece);
      at += piece.length;
      removed = 0;
    }
  }
  return updates;
}

/** The requests that turn `current` into `target` (none when they are equal). */
export function planMarkdownEdits(
  current: string,
  target: string,
  limits: MarkdownEditLimits = MARKDOWN_EDIT_LIMITS,
): MarkdownEditRequest[] {
  if (current === target) return [];
  if (current === '') {
    return chunked(target.split('\n'), limits.maxLinesPerUpdate).map((piece) => ({
      type: 'insert_content',
      insert_content: { content: piece.join('\n') },
    }));
  }
  const requests: MarkdownEditRequest[] = [];
  let batch: ContentUpdate[] = [];
  let chars = 0;
  let lines = 0;
  const flush = () => {
    if (batch.length > 0)
      requests.push({ type: 'update_content', update_content: { content_updates: batch } });
    batch = [];
    chars = 0;
    lines = 0;
  };
  for (const update of planContentUpdates(current, target, limits)) {
    const size = update.old_str.length + update.new_str.length;
    const added = update.new_str.split('\n').length;
    if (
      batch.length >= limits.maxUpdatesPerRequest ||
      chars + size > limits.maxCharsPerRequest ||
      lines + added > limits.maxLinesPerRequest
    )
      flush();
    batch.push(update);
    chars += size;
    lines += added;
  }
  flush();
  return requests;
}

export interface EditPageMarkdownResult {
  /** The page's Markdown after the last request (what Notion made of the edits). */
  markdown: string;
  truncated: boolean;
  requests: number;
}

/** The lines a request writes (its new text). */
function linesOf(request: MarkdownEditRequest): string[] {
  return request.type === 'insert_content'
    ? request.insert_content.content.split('\n')
    : request.update_content.content_updates.flatMap((u) => u.new_str.split('\n'));
}

/**
 * Brings a page's content from `current` (its Markdown as just read) to `target` with targeted
 * edits. After each request the rest is planned again from the Markdown Notion answered, so an
 * edit Notion normalised (`*x*` served as `_x_`) never leaves a later `old_str` unmatched. A
 * request would only write again lines Notion has already taken (and serves in its own form):
 * the target is reached, in Notion's form, and the loop ends.
 */
export async function editPageMarkdown(
  api: NotionApi,
  pageId: string,
  current: string,
  target: string,
  limits: MarkdownEditLimits = MARKDOWN_EDIT_LIMITS,
): Promise<EditPageMarkdownResult> {
  const result: EditPageMarkdownResult = { markdown: current, truncated: false, requests: 0 };
  const sent = new Set<string>();
  for (;;) {
    const [next] = planMarkdownEdits(result.markdown, target, limits);
    if (!next) break;
    const served = new Set(result.markdown.split('\n'));
    const fresh = linesOf(next).filter((line) => !sent.has(line) && !served.has(line));
    if (result.requests > 0 && fresh.length === 0) break;
    for (const line of linesOf(next)) sent.add(line);
    const request: UpdatePageMarkdownParameters = { page_id: pageId, ...next };
    const response = await api.pages.updateMarkdown(request);
    result.requests += 1;
    const unchanged = response.markdown === result.markdown;
    result.markdown = response.markdown;
    result.truncated = response.truncated;
    // A truncated answer cannot be planned against: the caller reads the page again.
    if (unchanged || response.truncated) break;
  }
  return result;
}
