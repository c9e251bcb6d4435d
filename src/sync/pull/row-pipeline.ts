// From Notion page objects to the rows one batch commits. Invariants:
// - a row is skipped (counted unchanged, no API call, no write) only when it was read earlier in
//   this run at the same timestamp, or its last_edited_time equals the stored one AND that
//   minute had closed before the previous successful run started: Notion
//   rounds last_edited_time down to the minute, so a same-minute edit after our last read keeps
//   the old timestamp and must be re-read; tombstoned rows are never skipped (they get restored);
// - values Notion truncates at 25 references are completed through the property item endpoint
//   before hashing, so a 40-target relation is stored with 40 ids; what stays incomplete is
//   counted as a coverage gap, never passed off as complete;
// - the hash covers the selected properties keyed by property id (a rename alone is no new
//   version) with volatile parts (file URL signatures, request ids) removed, plus the content
//   when the source keeps content: equal hash → no new version. Empty values (null, "", [],
//   false) are left out, so a property added to or removed from the schema that is empty in a
//   row (push's sync key, a new column) makes no new version of it. Rows stored under the
//   earlier rule (every property hashed) carry that hash as `equivalentHash` when it differs,
//   so an upgrade alone writes no version either;
// - a row that disappears between listing and reading (404) is dropped from the batch;
//   reconcile deals with it.
import type { PageObjectResponse } from '@notionhq/client';
import {
  type DecodedProperty,
  decodeProperties,
  hashNotionValue,
  isNotionApiError,
  type NotionClient,
  normalizeNotionMarkdown,
  type PropertySchema,
} from '../../notion/index.ts';
import type { CoverageGaps } from '../engine-types.ts';
import { mapLimit } from '../map-limit.ts';
import { readSyncKey } from '../push/sync-key.ts';
import type { JsonValue, PulledRow, RecordState, SourceSchema, Store } from '../store-api.ts';
import { type ContentRead, readPageContent } from './content.ts';

const MINUTE_MS = 60_000;
/** Rows remembered as read in one run: one capped query's worth. */
const READ_THIS_RUN_MAX = 10_000;

export interface RowPipelineContext {
  notion: NotionClient;
  store: Store;
  sourceId: number;
  schema: SourceSchema;
  /** The data source schema keyed by name (ties rollups to their relation for completion). */
  notionSchema?: Record<string, PropertySchema> | undefined;
  content: boolean;
  /** Re-read rows even when nothing shows a change (`pull --full`). */
  rereadAll: boolean;
  /** Epoch ms: rows edited in a minute that closed before this are settled. */
  settledBeforeMs: number;
  /** Parent id stored with a row (page trees). */
  parentOf?: (page: PageObjectResponse) => string | null;
  /** Content already read in this run (page trees read it to find child pages); else it is read. */
  contentOf?: (pageId: string) => ContentRead | undefined;
  gaps: CoverageGaps;
  concurrency: number;
  /** last_edited_time of each row already listed in this run (a capped query's continuation re-lists them). */
  readThisRun: Map<string, string>;
  /** Name of the property holding push's sync key (pages push created carry it). */
  syncKeyProperty?: string;
  /** The local key of the record a page without a sync key was created for (page trees). */
  syncKeyOf?: (page: PageObjectResponse, stored: RecordState | undefined) => string | null;
}

export interface PreparedBatch {
  rows: PulledRow[];
  /** Rows skipped because nothing can have changed. */
  skipped: number;
  /** Page ids that vanished while being read. */
  dropped: string[];
  /** Rows not listed before in this run (a capped query's continuation re-lists some). */
  firstSeen: number;
}

/** Keeps the latest listing of each page (a row edited during a query may be listed twice). */
function latestById(pages: PageObjectResponse[]): PageObjectResponse[] {
  const byId = new Map<string, PageObjectResponse>();
  for (const page of pages) {
    const seen = byId.get(page.id);
    if (!seen || Date.parse(page.last_edited_time) >= Date.parse(seen.last_edited_time))
      byId.set(page.id, page);
  }
  return [...byId.values()];
}

/** True when the stored state proves the row cannot have changed. */
export function isSettled(
  state: RecordState | undefined,
  page: PageObjectResponse,
  ctx: RowPipelineContext,
): boolean {
  // Read earlier in this run at the same timestamp: a later same-minute edit is re-read by the
  // next run, which treats this run's minutes as unsettled.
  if (ctx.readThisRun.get(page.id) === page.last_edited_time) return true;
  if (!state || state.tombstone !== null || ctx.rereadAll || state.notionLastEditedTime === null)
    return false;
  const edited = Date.parse(page.last_edited_time);
  return (
    edited === Date.parse(state.notionLastEditedTime) && edited + MINUTE_MS <= ctx.settledBeforeMs
  );
}

async function completedProperties(
  page: PageObjectResponse,
  ctx: RowPipelineContext,
): Promise<{ page: PageObjectResponse; decoded: Record<string, DecodedProperty> }> {
  const decoded = decodeProperties(page.properties as Record<string, unknown>);
  const needed = Object.values(decoded).some(
    (p) => !p.complete && Object.hasOwn(ctx.schema.properties, p.id),
  );
  if (!needed) return { page, decoded };
  const completed = await ctx.notion.completePageProperties(page, { schema: ctx.notionSchema });
  ctx.gaps.incompleteValues += completed.incomplete.length;
  return { page: completed.page, decoded: completed.properties };
}

const isFileObject = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  ['file', 'external'].includes((value as { type?: string }).type ?? '');

/**
 * Icon and cover when one of them is a file (kept in the file store, so a new one is a new
 * version); pages without file icons or covers keep the hash they always had.
 */
function fileMediaOf(page: PageObjectResponse): { media?: unknown } {
  if (!isFileObject(page.icon) && !isFileObject(page.cover)) return {};
  return { media: { icon: page.icon, cover: page.cover } };
}

/**
 * The row the store commits for a page whose values are complete: fields and raw values of the
 * source's properties keyed by property id, and the hash that decides "changed". Push uses it
 * on the page Notion returns after a write, so its own change is recognized on the next pull.
 */
export function buildPulledRow(
  page: PageObjectResponse,
  decoded: Record<string, DecodedProperty>,
  schema: SourceSchema,
  content: string | null | undefined,
  parentId: string | null = null,
): PulledRow {
  const fields: Record<string, JsonValue> = {};
  const rawByName: Record<string, JsonValue> = {};
  const rawById: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(decoded)) {
    if (!Object.hasOwn(schema.properties, property.id)) continue;
    fields[property.id] = property.value as JsonValue;
    rawByName[name] = property.raw as JsonValue;
    if (!isEmptyValue(property.value)) rawById[property.id] = property.raw;
  }
  return {
    pageId: page.id,
    fields,
    raw: rawByName,
    ...(content !== undefined ? { content } : {}),
    // Hosted file links in Markdown are signed anew on every read: the hash keeps their identity.
    hash: hashNotionValue({
      properties: rawById,
      content: content == null ? null : normalizeNotionMarkdown(content),
      ...fileMediaOf(page),
    }),
    notionLastEditedTime: page.last_edited_time,
    createdTime: page.created_time,
    parentId,
  };
}

function isEmptyValue(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    value === false ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** The hash of the rule before empty values were left out (every selected property). */
function hashWithEmpties(
  page: PageObjectResponse,
  decoded: Record<string, DecodedProperty>,
  schema: SourceSchema,
  content: string | null | undefined,
): string {
  const rawById: Record<string, unknown> = {};
  for (const property of Object.values(decoded))
    if (Object.hasOwn(schema.properties, property.id)) rawById[property.id] = property.raw;
  // Only the empty-values rule differs: file links and a file icon or cover count the same way.
  return hashNotionValue({
    properties: rawById,
    content: content == null ? null : normalizeNotionMarkdown(content),
    ...fileMediaOf(page),
  });
}

async function prepareRow(
  page: PageObjectResponse,
  ctx: RowPipelineContext,
  stored: RecordState | undefined,
): Promise<PulledRow | null> {
  const { page: full, decoded } = await completedProperties(page, ctx);
  let content: string | null | undefined;
  if (ctx.content) {
    const read = ctx.contentOf?.(page.id) ?? (await readPageContent(ctx.notion, page.id));
    if (read.markdown === null) return null;
    if (!read.complete) ctx.gaps.incompleteContent += 1;
    content = read.markdown;
  }
  let row = buildPulledRow(
    full,
    decoded,
    ctx.schema,
    content,
    ctx.parentOf ? ctx.parentOf(full) : null,
  );
  if (stored?.notionHash && stored.notionHash !== row.hash)
    row = { ...row, equivalentHash: hashWithEmpties(full, decoded, ctx.schema, content) };
  // Lets the store attach a page whose create answer was lost to its local record.
  const syncKey =
    ctx.syncKeyOf?.(full, stored) ??
    (ctx.syncKeyProperty ? readSyncKey(full, ctx.syncKeyProperty) : null);
  return syncKey ? { ...row, syncKey } : row;
}

/** Prepares one listed page of rows for `commitPullBatch`. */
export async function prepareRows(
  pages: PageObjectResponse[],
  ctx: RowPipelineContext,
): Promise<PreparedBatch> {
  const unique = latestById(pages);
  const states = await ctx.store.records.getStates(
    ctx.sourceId,
    unique.map((p) => p.id),
  );
  const todo = unique.filter((page) => !isSettled(states.get(page.id), page, ctx));
  const dropped: string[] = [];
  const prepared = await mapLimit(todo, ctx.concurrency, async (page) => {
    try {
      const row = await prepareRow(page, ctx, states.get(page.id));
      if (!row) dropped.push(page.id);
      return row;
    } catch (error) {
      if (isNotionApiError(error) && error.code === 'notion_not_found') {
        dropped.push(page.id);
        return null;
      }
      throw error;
    }
  });
  let firstSeen = 0;
  for (const page of unique) {
    const known = ctx.readThisRun.has(page.id);
    if (!known) firstSeen += 1;
    // Bounded: only a capped query's continuation re-lists rows, and a query lists 10,000 at
    // most; a full enumeration lists each row once (memory stays flat as sources grow).
    if (known || ctx.readThisRun.size < READ_THIS_RUN_MAX)
      ctx.readThisRun.set(page.id, page.last_edited_time);
  }
  return {
    firstSeen,
    rows: prepared.filter((r): r is PulledRow => r !== null),
    skipped: unique.length - todo.length,
    dropped,
  };
}
