// Push of a page body (an outbox payload's `content`). Invariants:
// - the body is merged line by line (body-merge.ts) against the record's base version's content
//   and the page's live Markdown, read just before; a snapshot never stands in for it;
// - Notion gets targeted edits only (`update_content` pairs from the diff between its live body
//   and the merged one, notion/markdown-edits.ts) — never `replace_content`, which would recreate
//   every block; a page created with a body gets it through `markdown` on create;
// - overlapping edits are ONE conflict under the pseudo property `__body__` (base, Notion and
//   local bodies), decided by the source's policy like any property; parked, Notion keeps its
//   body and the file keeps the local text (the export holds it); while it is open, a new edit
//   merges against its base, so editing the file again never overwrites Notion's side;
// - the content recorded after the write is the Markdown Notion serves afterwards, so the next
//   pull recognises our own write (echo) and the export writes Notion's form of the body.
import { NotionSyncError } from '../../../errors.ts';
import { normalizeNotionMarkdown } from '../../../notion/index.ts';
import type { OutboxPayload } from '../../records-api.ts';
import type { StoreRecord } from '../../store-api.ts';
import { baseVersionOf, type PushContext } from '../push-context.ts';
import type { PropertyConflict } from '../push-merge.ts';
import { canonicalText, inFormOf, mergeBodies } from './body-merge.ts';

/** The pseudo property id of a body conflict in the queue. */
export const BODY_PROPERTY_ID = '__body__';
export const BODY_PROPERTY_NAME = '(page body)';

/** Markdown sent on a page create (characters, lines); the rest follows as targeted edits. */
const CREATE_MARKDOWN_CHARS = 200_000;
const CREATE_MARKDOWN_LINES = 900;

export interface BodyStep {
  /** Notion's body as served just before. */
  notionRaw: string;
  /** The local body, canonical. */
  local: string;
  /** The merged body (canonical) when the merge was clean, else null. */
  merged: string | null;
  conflict: PropertyConflict | null;
}

/** Content of the edit's base version (the body both sides last agreed on). */
async function baseContent(
  ctx: PushContext,
  record: StoreRecord,
  payload: OutboxPayload,
): Promise<string | null> {
  const id = baseVersionOf(record, payload);
  if (id === null) return null;
  const version = await ctx.env.store.history.getVersionById(id);
  return version ? (version.content ?? '') : null;
}

/**
 * The base of a body conflict still open for the record: a file edited again meanwhile is
 * merged against it (and parks the conflict again), never taken as the resolution.
 */
async function parkedBase(ctx: PushContext, record: StoreRecord): Promise<string | null> {
  const open = await ctx.env.store.conflicts.list({ recordId: record.id, state: 'open' });
  const body = open.find((c) => c.propertyId === BODY_PROPERTY_ID);
  return typeof body?.baseValue === 'string' ? body.baseValue : null;
}

async function readLiveBody(ctx: PushContext, pageId: string): Promise<string> {
  const read = await ctx.env.notion.getPageMarkdown(pageId);
  if (read.truncated || !read.complete) {
    throw new NotionSyncError(
      'notion_incomplete',
      `Page ${pageId} is too large to edit as Markdown (Notion served it truncated); its body edit is not pushed — edit it in Notion, or split the page.`,
      { details: { pageId } },
    );
  }
  return read.markdown;
}

/**
 * Reads the live body and merges the local one into it. `adopted`: a create whose page already
 * existed (found by its sync key): Notion's non-empty body is what our first attempt wrote.
 */
export async function mergeBody(
  ctx: PushContext,
  record: StoreRecord,
  payload: OutboxPayload & { content: string },
  pageId: string,
  adopted: boolean,
): Promise<BodyStep> {
  const notionRaw = await readLiveBody(ctx, pageId);
  const notion = canonicalText(notionRaw);
  const local = canonicalText(payload.content);
  const base = adopted
    ? notion === ''
      ? ''
      : local
    : ((await parkedBase(ctx, record)) ?? (await baseContent(ctx, record, payload)));
  const merge = mergeBodies(
    base === null ? null : canonicalText(base),
    notion,
    local,
    normalizeNotionMarkdown,
  );
  if (merge.ok) return { notionRaw, local, merged: merge.merged, conflict: null };
  const conflict: PropertyConflict = {
    propertyId: BODY_PROPERTY_ID,
    base: base === null ? null : canonicalText(base),
    notion,
    local,
  };
  return { notionRaw, local, merged: null, conflict };
}

/**
 * Writes the merged body (or the local one, when local won the conflict) as targeted edits.
 * Returns Notion's body afterwards and whether anything was sent.
 */
export async function writeBody(
  ctx: PushContext,
  pageId: string,
  step: BodyStep,
  localWins: boolean,
): Promise<{ content: string; written: boolean }> {
  const target = step.conflict ? (localWins ? step.local : null) : step.merged;
  if (target === null || target === canonicalText(step.notionRaw))
    return { content: step.notionRaw, written: false };
  const result = await ctx.env.notion.editPageMarkdown(
    pageId,
    step.notionRaw,
    inFormOf(step.notionRaw, target),
  );
  const content = result.truncated ? await readLiveBody(ctx, pageId) : result.markdown;
  return { content, written: result.requests > 0 };
}

/** The part of a new page's body sent with the create (cut at a blank line when long). */
function createMarkdownOf(body: string): string {
  const lines = body.split('\n');
  if (body.length <= CREATE_MARKDOWN_CHARS && lines.length <= CREATE_MARKDOWN_LINES) return body;
  let head = lines.slice(0, CREATE_MARKDOWN_LINES).join('\n');
  if (head.length > CREATE_MARKDOWN_CHARS) head = head.slice(0, CREATE_MARKDOWN_CHARS);
  // Whole lines, up to a blank line (a block boundary) when there is one.
  const blank = head.lastIndexOf('\n\n');
  const cut = blank > 0 ? blank : head.lastIndexOf('\n');
  return cut > 0 ? head.slice(0, cut) : head;
}

/** A create's body, when it has one that is not blank. */
function bodyOf(payload: OutboxPayload): string | undefined {
  return payload.content?.trim() ? payload.content : undefined;
}

/** The `markdown` parameter of a page create for an item's body (none without a body). */
export function markdownOnCreate(payload: OutboxPayload): { markdown?: string } {
  const body = bodyOf(payload);
  return body !== undefined ? { markdown: createMarkdownOf(body) } : {};
}

/**
 * After a create sent with `markdownOnCreate`: the rest of a long body as targeted edits, and
 * the body Notion serves (for the record's state; undefined without a body).
 */
export async function bodyAfterCreate(
  ctx: PushContext,
  pageId: string,
  payload: OutboxPayload,
): Promise<string | undefined> {
  const body = bodyOf(payload);
  if (body === undefined) return undefined;
  const served = await readLiveBody(ctx, pageId);
  if (createMarkdownOf(body) === body) return served;
  const result = await ctx.env.notion.editPageMarkdown(pageId, served, inFormOf(served, body));
  return result.truncated ? readLiveBody(ctx, pageId) : result.markdown;
}
