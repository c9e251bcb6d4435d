// The state one push run of one source works with, and the reads every outbox item shares:
// the live page (values complete, keyed by property id) and Notion's state after a write in the
// exact shape the pull hashes (buildPulledRow), which is what makes echo suppression work.
import type { PageObjectResponse } from '@notionhq/client';
import type { SourceConfig } from '../../config/index.ts';
import {
  type DecodedProperty,
  decodeProperties,
  isNotionApiError,
  type NotionClient,
} from '../../notion/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';
import { buildPulledRow } from '../pull/row-pipeline.ts';
import type { OutboxPayload } from '../records-api.ts';
import type { RunMeter } from '../runs.ts';
import type { Conflict, JsonValue, NotionState, Source, Store, StoreRecord } from '../store-api.ts';
import type { FreshnessState } from './push-freshness.ts';
import type {
  ConflictPolicy,
  PendingConflict,
  PlannedWrite,
  PushCounts,
  PushOptions,
} from './push-types.ts';

export interface PushEnvironment {
  store: Store;
  notion: NotionClient;
  clock: Clock;
  logger: Logger;
  maxAttempts: number;
  /** Wait within a run for items whose retry is due within this long (0: never wait). */
  retryWaitMs: number;
  /** Overlap subtracted from a snapshot's minute (absorbs clock skew; the pull's overlap). */
  overlapMs: number;
  /** Re-run the freshness check once it is older than this (push-freshness.ts). */
  freshnessCheckMs: number;
  staleRunAfterMs: number;
  heartbeatMs: number;
}

export interface PushContext {
  env: PushEnvironment;
  config: SourceConfig;
  source: Source;
  policy: ConflictPolicy;
  keyProperty: string;
  options: PushOptions;
  runId: number | null;
  trigger: string;
  meter: RunMeter;
  counts: PushCounts;
  parked: Conflict[];
  overwritten: PendingConflict[];
  planned: PlannedWrite[];
  /** Outbox ids found in flight when the run started: their write may have been applied. */
  suspect: Set<number>;
  keyReady: boolean;
  freshness: FreshnessState;
  /** The run stopped early (lease refused, store or connection failure). */
  fatal: boolean;
  /** The run stopped at a safe point because `options.signal` aborted. */
  interrupted: boolean;
}

export interface LivePage {
  page: PageObjectResponse;
  decoded: Record<string, DecodedProperty>;
  /** Plain values by property id. */
  values: Record<string, JsonValue>;
  /** Current property names by property id (a rename since the last pull is fine). */
  names: Record<string, string>;
  /**
   * Set when the page was not read: the store's snapshot, proven current by the freshness
   * check. Writes are then keyed by property id (a rename since the snapshot is fine).
   */
  snapshot?: NotionState;
}

export function emptyPushCounts(): PushCounts {
  return {
    items: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    unchanged: 0,
    adopted: 0,
    conflicts: 0,
    failed: 0,
    dead: 0,
  };
}

/** Decodes a page, completing values Notion cut at 25 references. */
export async function livePageOf(ctx: PushContext, page: PageObjectResponse): Promise<LivePage> {
  let full = page;
  let decoded = decodeProperties(page.properties as Record<string, unknown>);
  if (Object.values(decoded).some((p) => !p.complete)) {
    const completed = await ctx.env.notion.completePageProperties(page);
    full = completed.page;
    decoded = completed.properties;
  }
  const values: Record<string, JsonValue> = {};
  const names: Record<string, string> = {};
  for (const [name, property] of Object.entries(decoded)) {
    values[property.id] = property.value as JsonValue;
    names[property.id] = name;
  }
  return { page: full, decoded, values, names };
}

/** The live page, or null when it is gone (404: deleted or unshared). */
export async function readLivePage(ctx: PushContext, pageId: string): Promise<LivePage | null> {
  try {
    const page = (await ctx.env.notion.pages.retrieve({ page_id: pageId })) as PageObjectResponse;
    return await livePageOf(ctx, page);
  } catch (error) {
    if (isNotionApiError(error) && error.code === 'notion_not_found') return null;
    throw error;
  }
}

/** Content of the record's latest Notion-side version (when push did not read the body). */
async function notionContent(ctx: PushContext, record: StoreRecord): Promise<string | null> {
  const versions = await ctx.env.store.history.listVersions(record.id);
  return versions.filter((v) => v.origin !== 'local').at(-1)?.content ?? null;
}

/**
 * Notion's state after our write, hashed exactly as the next pull will hash it. `body`: the
 * page's Markdown as Notion serves it after a body push (else the last pulled content).
 */
export async function notionStateOf(
  ctx: PushContext,
  live: LivePage,
  record: StoreRecord,
  body?: string,
): Promise<NotionState> {
  if (live.snapshot) return live.snapshot;
  const keepsContent =
    (ctx.config.content ?? (ctx.config.page ? 'markdown' : 'none')) === 'markdown';
  const content = keepsContent ? (body ?? (await notionContent(ctx, record))) : undefined;
  const row = buildPulledRow(live.page, live.decoded, ctx.source.schema, content, record.parentId);
  return {
    fields: row.fields,
    raw: row.raw ?? null,
    ...(content !== undefined ? { content } : {}),
    hash: row.hash,
    notionLastEditedTime: row.notionLastEditedTime,
    createdTime: row.createdTime,
  };
}

/** The base of an edit: the version its payload names (a target's export), else the record's. */
export function baseVersionOf(record: StoreRecord, payload?: OutboxPayload): number | null {
  return payload?.base ?? record.baseVersionId;
}

/** Property name (current in Notion when known) and type of a property id of the snapshot. */
export function propertyOf(
  ctx: PushContext,
  propertyId: string,
  live?: LivePage,
): { id: string; name: string; type: string } | null {
  const known = ctx.source.schema.properties[propertyId];
  if (!known) return null;
  return { id: propertyId, name: live?.names[propertyId] ?? known.name, type: known.type };
}
