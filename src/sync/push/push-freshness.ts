// Push at about one call per write: which rows Notion may have changed since the store last saw
// them, learned for many rows at once. Invariants:
// - a row's snapshot is its latest Notion-side version (pulled, or the state after our own
//   write); any edit made in Notion after that snapshot was read carries a last_edited_time ≥
//   the floor of the minute its run started (Notion rounds down to the minute), so ONE query
//   for rows edited on or after (that minute − the overlap, which also absorbs clock skew)
//   returns every row that may differ from its snapshot. A returned row whose last_edited_time
//   still equals its snapshot's is unchanged when that minute had closed (plus the overlap)
//   before the snapshot was read — the pull's settled rule. Other rows it returns — and rows without a
//   usable snapshot, after any failed or suspect attempt, or when the query was capped — are
//   read one by one as before; the others are merged against their snapshot and written
//   without a read (push-ops.ts). Trashing does not reliably move last_edited_time: a write to a
//   page trashed or deleted since the snapshot fails, and that item falls back to the read;
// - during a long push the check is re-run once it is older than `freshnessCheckMs`, from the
//   minute Notion's clock stood at when the previous check ran (known from the last_edited_time
//   of our own writes) or our clock minus the overlap, whichever is later;
// - RESIDUAL WINDOW (documented, not closed): a person's edit of the SAME property of the SAME
//   row made after the check that covered the row and before our write is overwritten without
//   a conflict. That window is at most `freshnessCheckMs` plus one write (today's read-then-write
//   push had the same race over the time between its read and its write). Edits of other
//   properties survive (only set properties are written) and are recorded from the write's
//   answer. Notion offers no conditional write, so no client can close it completely.
import type { PageObjectResponse } from '@notionhq/client';
import type { DataSourceFilter } from '../../notion/index.ts';
import type { OutboxItem, StoreRecord, Version } from '../store-api.ts';
import type { LivePage, PushContext } from './push-context.ts';

const MINUTE_MS = 60_000;

export interface FreshnessState {
  /** Our clock when the current check ran; null before the first. */
  checkedAtMs: number | null;
  /** The lower bound of last_edited_time the checks covered (ms); null before the first. */
  sinceMs: number | null;
  /** Pages the checks found edited since the lower bound, with their latest last_edited_time. */
  edited: Map<string, string>;
  /** A check was capped (10,000 rows): every row is read until the next complete check. */
  capped: boolean;
  /** Latest last_edited_time Notion gave our writes (Notion's clock, minute floor), ms. */
  notionNowMs: number | null;
  /** Snapshot version and the start of the run that read it, by record id. */
  snapshots: Map<number, { version: Version; readFromMs: number } | null>;
  runStarts: Map<number, number | null>;
}

export function emptyFreshness(): FreshnessState {
  return {
    checkedAtMs: null,
    sinceMs: null,
    edited: new Map(),
    capped: false,
    notionNowMs: null,
    snapshots: new Map(),
    runStarts: new Map(),
  };
}

const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

async function runStartOf(ctx: PushContext, runId: number): Promise<number | null> {
  const { runStarts } = ctx.freshness;
  if (!runStarts.has(runId)) {
    const run = await ctx.env.store.runs.get(runId);
    runStarts.set(runId, run ? Date.parse(run.startedAt) : null);
  }
  return runStarts.get(runId) ?? null;
}

/** The record's latest Notion-side version and when the run that read it started. */
async function snapshotOf(ctx: PushContext, record: StoreRecord) {
  const { snapshots } = ctx.freshness;
  if (snapshots.has(record.id)) return snapshots.get(record.id) ?? null;
  const versions = await ctx.env.store.history.listVersions(record.id);
  const version = versions.filter((v) => v.origin !== 'local').at(-1);
  const started = version?.runId ? await runStartOf(ctx, version.runId) : null;
  const snapshot = version && started !== null ? { version, readFromMs: started } : null;
  snapshots.set(record.id, snapshot);
  return snapshot;
}

function usesSnapshot(ctx: PushContext, item: OutboxItem, record: StoreRecord): boolean {
  return (
    item.op !== 'create' &&
    item.attempts === 0 &&
    !ctx.suspect.has(item.id) &&
    !ctx.options.preview &&
    record.pageId !== null &&
    record.tombstone === null
  );
}

/** Lower bound of last_edited_time for edits after a read that happened after `readFromMs`. */
const boundOf = (ctx: PushContext, readFromMs: number) =>
  floorMinute(readFromMs) - ctx.env.overlapMs;

async function runCheck(ctx: PushContext, sinceMs: number): Promise<void> {
  const state = ctx.freshness;
  const checkedAt = ctx.env.clock.now();
  const pages = ctx.env.notion.iterateDataSourceQueryPages(ctx.source.notionId, {
    filter: {
      timestamp: 'last_edited_time',
      last_edited_time: { on_or_after: new Date(sinceMs).toISOString() },
    } as DataSourceFilter,
    sorts: [{ timestamp: 'last_edited_time', direction: 'ascending' }],
  });
  let capped = false;
  for await (const page of pages) {
    for (const row of page.results) state.edited.set(row.id, row.last_edited_time);
    if (page.incomplete) capped = true;
  }
  state.capped = capped;
  state.checkedAtMs = checkedAt;
  state.sinceMs = state.sinceMs === null ? sinceMs : Math.min(state.sinceMs, sinceMs);
}

/**
 * Runs the freshness check for the due items (once for the batch), or again when the last
 * check is older than `freshnessCheckMs` or does not reach back to an item's snapshot.
 */
export async function checkFreshness(ctx: PushContext, due: OutboxItem[]): Promise<void> {
  const state = ctx.freshness;
  let needed: number | null = null;
  for (const item of due) {
    const record = await ctx.env.store.records.get(item.recordId);
    if (!record || !usesSnapshot(ctx, item, record)) continue;
    const snapshot = await snapshotOf(ctx, record);
    if (!snapshot) continue;
    const bound = boundOf(ctx, snapshot.readFromMs);
    needed = needed === null ? bound : Math.min(needed, bound);
  }
  if (needed === null) return;
  if (state.sinceMs === null || needed < state.sinceMs) return runCheck(ctx, needed);
  await recheckIfOld(ctx);
}

/** Re-runs the check from where Notion's clock stood at the previous one, if it is too old. */
async function recheckIfOld(ctx: PushContext): Promise<void> {
  const state = ctx.freshness;
  if (state.checkedAtMs === null) return;
  if (ctx.env.clock.now() - state.checkedAtMs < ctx.env.freshnessCheckMs) return;
  const byOurClock = floorMinute(state.checkedAtMs) - ctx.env.overlapMs;
  const byNotion = state.notionNowMs ?? Number.NEGATIVE_INFINITY;
  const since = Math.max(byOurClock, byNotion);
  const keep = state.sinceMs;
  await runCheck(ctx, since);
  state.sinceMs = keep;
}

/** True when the row still shows the snapshot's minute and that minute closed before the read. */
function settledAt(ctx: PushContext, edited: string, version: Version, readFromMs: number) {
  const at = Date.parse(edited);
  if (version.notionLastEditedTime === null || at !== Date.parse(version.notionLastEditedTime))
    return false;
  return at + MINUTE_MS <= readFromMs - ctx.env.overlapMs;
}

/** Remembers Notion's clock from the answer to one of our writes. */
export function noteNotionTime(ctx: PushContext, page: PageObjectResponse): void {
  const at = Date.parse(page.last_edited_time);
  const state = ctx.freshness;
  if (!Number.isNaN(at) && (state.notionNowMs === null || at > state.notionNowMs))
    state.notionNowMs = at;
}

/**
 * The row as the store last saw it, when the freshness check proves Notion has not changed it
 * since; null when it must be read.
 */
export async function freshSnapshot(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
): Promise<LivePage | null> {
  const state = ctx.freshness;
  if (!usesSnapshot(ctx, item, record) || state.sinceMs === null || state.capped) return null;
  await recheckIfOld(ctx);
  if (state.capped) return null;
  const snapshot = await snapshotOf(ctx, record);
  if (!snapshot || boundOf(ctx, snapshot.readFromMs) < state.sinceMs) return null;
  const { version } = snapshot;
  const edited = state.edited.get(record.pageId!);
  if (edited !== undefined && !settledAt(ctx, edited, version, snapshot.readFromMs)) return null;
  const names: Record<string, string> = {};
  for (const [id, property] of Object.entries(ctx.source.schema.properties))
    names[id] = property.name;
  const page = {
    object: 'page',
    id: record.pageId!,
    in_trash: false,
    last_edited_time: version.notionLastEditedTime ?? new Date(0).toISOString(),
  } as PageObjectResponse;
  return {
    page,
    decoded: {},
    values: { ...version.fields },
    names,
    snapshot: {
      fields: version.fields,
      raw: version.raw,
      ...((ctx.config.content ?? 'none') === 'markdown' ? { content: version.content } : {}),
      // The record's hash: an upgrade may have re-stated the same version under a new rule.
      hash: record.notionHash ?? version.hash,
      notionLastEditedTime: page.last_edited_time,
    },
  };
}
