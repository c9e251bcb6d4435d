// A Markdown edit of a page keeps the blocks it does not touch (Notion's targeted edits keep
// block ids, comments and child pages of untouched content): the page's top-level blocks as
// served are aligned with the blocks of the edited Markdown, equal blocks keep their ids and
// places, the others are trashed or inserted. A block Markdown cannot express (served as an
// `<unknown …/>` line, e.g. a bookmark) stays while its line stays. When the served Markdown
// does not parse back block for block, the caller rebuilds the page instead.
import type { BlockDraft } from '../block-input.ts';
import { type BlockRequest, markdownToBlocks } from '../markdown/markdown.ts';
import type { PageRecord } from '../state.ts';
import type { Workspace } from '../workspace.ts';
import { insertDrafts, trashSubtree } from './block-tree.ts';

/** Above this many cells the middle of a long edit is not aligned (it is replaced whole). */
const MAX_ALIGN_CELLS = 4_000_000;

/** Pairs of equal keys (new index → old index) in order: common ends, then an LCS of the rest. */
function alignKeys(before: string[], after: string[]): Map<number, number> {
  const pairs = new Map<number, number>();
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) {
    pairs.set(head, head);
    head += 1;
  }
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  ) {
    pairs.set(after.length - 1 - tail, before.length - 1 - tail);
    tail += 1;
  }
  const a = before.slice(head, before.length - tail);
  const b = after.slice(head, after.length - tail);
  if (a.length * b.length > MAX_ALIGN_CELLS) return pairs;
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1)
    for (let j = b.length - 1; j >= 0; j -= 1)
      lcs[i]![j] =
        a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      pairs.set(head + j, head + i);
      i += 1;
      j += 1;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i += 1;
    else j += 1;
  }
  return pairs;
}

/** An `<unknown …/>` line at the top level: a block that only its line can keep. */
const UNKNOWN_LINE = /^<unknown [^\n]*\/>$/gm;
const UNKNOWN_MARK = '\u2063unknown-block\u2063';

/** The top-level blocks of `markdown`, an unknown block's line as a marked paragraph. */
function blocksOf(markdown: string): BlockRequest[] {
  return markdownToBlocks(
    markdown.replace(UNKNOWN_LINE, (line) => `${UNKNOWN_MARK}${encodeURIComponent(line)}`),
  );
}

function isUnknownMark(request: BlockRequest): boolean {
  return JSON.stringify(request).includes(UNKNOWN_MARK);
}

function visibleChildren(ws: Workspace, page: PageRecord): string[] {
  return page.childIds.filter((id) => {
    const found = ws.findObject(id);
    return found && found.kind !== 'data_source' && !(found.record as { inTrash: boolean }).inTrash;
  });
}

/**
 * Makes `page` hold `markdown` (the edited page), keeping every block whose Markdown did not
 * change. False (nothing changed) when the served Markdown `current` does not map onto the
 * page's blocks one to one.
 */
export function applyKeepingBlocks(
  ws: Workspace,
  page: PageRecord,
  current: string,
  markdown: string,
  actorId: string,
  toDrafts: (requests: BlockRequest[]) => BlockDraft[],
): boolean {
  const visible = visibleChildren(ws, page);
  const before = blocksOf(current);
  const requests = blocksOf(markdown);
  if (before.length !== visible.length) return false;
  const pairs = alignKeys(
    before.map((b) => JSON.stringify(b)),
    requests.map((b) => JSON.stringify(b)),
  );
  // Every new block is validated before anything changes: a refused body leaves the page as is.
  const drafts = new Map<number, BlockDraft[]>();
  for (const [j, request] of requests.entries()) {
    const uncreatable =
      request.type === 'child_page' || request.type === 'child_database' || isUnknownMark(request);
    if (pairs.has(j) || uncreatable) continue;
    drafts.set(j, toDrafts([request]));
  }
  const keptOld = new Set(pairs.values());
  const dropped = new Set(visible.filter((_, i) => !keptOld.has(i)));
  for (const id of dropped) trashSubtree(ws, id);
  page.childIds = page.childIds.filter((id) => !dropped.has(id));
  let at = 0;
  for (const [j] of requests.entries()) {
    const old = pairs.get(j);
    if (old !== undefined) {
      at = page.childIds.indexOf(visible[old]!) + 1;
      continue;
    }
    const draft = drafts.get(j);
    if (draft) at += insertDrafts(ws, page, draft, actorId, at).length;
  }
  return true;
}
