// One page as an agent reads it: its properties by name and its Markdown, as of now or of a past
// moment, cut into pieces no longer than a character budget. A cursor names the version it
// started from, so the pieces of one page always come from one version and join to it exactly.
import { NotionSyncError } from '../errors.ts';
import type { JsonValue, Source, StoreRecord, Version } from '../store/index.ts';
import { fileSlotLabel } from '../sync/index.ts';
import type { ToolContext } from './tool-kit.ts';

export interface PagePiece {
  pageId: string | null;
  source: string;
  title: string;
  version: number;
  versionTime: string;
  tombstone: string | null;
  /** Present on the first piece only. */
  properties?: Record<string, JsonValue>;
  /**
   * Files the version refers to (first piece only): where (`property:<id>:<n>` shown by name,
   * `icon`, `cover`, `content:<n>`), name, SHA-256 of the kept bytes (null when not kept) and state.
   */
  files?: PageFile[];
  content: string;
  offset: number;
  totalChars: number;
  nextCursor: string | null;
}

export interface PageFile {
  place: string;
  name: string;
  hash: string | null;
  state: string;
}

/** The files of a version, their places named after the source's properties. */
async function filesOf(ctx: ToolContext, source: Source, versionId: number): Promise<PageFile[]> {
  const refs = await ctx.store.files.list({ versionIds: [versionId] });
  const names = Object.fromEntries(
    Object.values(source.schema.properties).map((p) => [p.id, p.name]),
  );
  return refs.map((ref) => ({
    place: fileSlotLabel(ref.slot, names),
    name: ref.name,
    hash: ref.hash,
    state: ref.state,
  }));
}

interface Cursor {
  versionId: number;
  offset: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.versionId, cursor.offset])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const [versionId, offset] = JSON.parse(
      Buffer.from(text, 'base64url').toString('utf8'),
    ) as number[];
    if (Number.isInteger(versionId) && Number.isInteger(offset) && offset! >= 0) {
      return { versionId: versionId!, offset: offset! };
    }
  } catch {}
  throw new NotionSyncError(
    'usage',
    `cursor "${text}" is not one get_page returned; omit it to read from the start.`,
  );
}

/** Where a piece of at most `budget` characters starting at `offset` ends (never inside a surrogate pair). */
export function pieceEnd(content: string, offset: number, budget: number): number {
  let end = Math.min(content.length, offset + budget);
  if (end < content.length && end > offset) {
    const code = content.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  }
  return end;
}

/** Properties keyed by their current names. */
export function namedFields(
  source: Source,
  fields: Record<string, JsonValue>,
): Record<string, JsonValue> {
  return Object.fromEntries(
    Object.entries(fields).map(([id, value]) => [source.schema.properties[id]?.name ?? id, value]),
  );
}

export function titleOf(source: Source, fields: Record<string, JsonValue>): string {
  const title = Object.values(source.schema.properties).find((p) => p.type === 'title');
  const value = title ? fields[title.id] : null;
  return typeof value === 'string' ? value : '';
}

async function versionAt(
  ctx: ToolContext,
  record: StoreRecord,
  asOf: string | undefined,
): Promise<Version> {
  if (asOf === undefined) {
    const current =
      record.currentVersionId === null
        ? null
        : await ctx.store.history.getVersionById(record.currentVersionId);
    if (current) return current;
  } else {
    const at = Date.parse(asOf);
    if (Number.isNaN(at))
      throw new NotionSyncError(
        'usage',
        `asOf "${asOf}" is not an ISO date-time (e.g. 2026-11-20T09:00:00Z).`,
      );
    const versions = await ctx.store.history.listVersions(record.id);
    const found = versions.filter((v) => Date.parse(v.createdAt) <= at).at(-1);
    if (found) return found;
    throw new NotionSyncError(
      'store_not_found',
      `Page ${record.pageId ?? record.localKey} had no version yet at ${asOf}; its first is from ${versions[0]?.createdAt ?? 'never'}.`,
      { details: { asOf, first: versions[0]?.createdAt ?? null } },
    );
  }
  throw new NotionSyncError(
    'store_not_found',
    `Page ${record.pageId ?? record.localKey} has no stored version.`,
  );
}

/** A piece of the page: the first (with properties) or the one the cursor names. */
export async function readPagePiece(
  ctx: ToolContext,
  record: StoreRecord,
  options: { budget: number; cursor?: string; asOf?: string },
): Promise<PagePiece> {
  const cursor = options.cursor === undefined ? null : decodeCursor(options.cursor);
  const version = cursor
    ? await ctx.store.history.getVersionById(cursor.versionId)
    : await versionAt(ctx, record, options.asOf);
  if (!version || version.recordId !== record.id) {
    throw new NotionSyncError(
      'usage',
      'The cursor belongs to another page; omit it to read from the start.',
    );
  }
  const source = (await ctx.store.sources.get(record.sourceId))!;
  const content = version.content ?? '';
  const offset = Math.min(cursor?.offset ?? 0, content.length);
  const end = pieceEnd(content, offset, options.budget);
  return {
    pageId: record.pageId,
    source: source.name,
    title: titleOf(source, version.fields),
    version: version.seq,
    versionTime: version.createdAt,
    tombstone: record.tombstone,
    ...(cursor
      ? {}
      : {
          properties: namedFields(source, version.fields),
          files: await filesOf(ctx, source, version.id),
        }),
    content: content.slice(offset, end),
    offset,
    totalChars: content.length,
    nextCursor: end < content.length ? encodeCursor({ versionId: version.id, offset: end }) : null,
  };
}
