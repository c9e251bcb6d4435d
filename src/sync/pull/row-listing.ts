// Which rows a pull reads, as batches that each carry the checkpoint to commit WITH them.
// Invariants:
// - incremental: one query sorted by last_edited_time ascending, filtered `on_or_after` the
//   stored cursor minus the overlap window (never `after`: Notion rounds to the minute). The
//   cursor is inclusive and only moves to the latest last_edited_time of committed rows (id breaks
//   ties in `cursorPageId`); an edited row moves to the END of an ascending listing, so nothing
//   before the cursor can be missed, and a crash just re-reads the overlap (hash-skipped);
// - full (first run, `--full`) and capped incremental queries enumerate in created_time
//   windows (the notion layer's iterator, past the 10,000-row cap); their position is saved in
//   `queryState` with every batch so a crash resumes the enumeration where it stopped, and the
//   cursor only moves at the end, to the minute the enumeration started in, so edits made while
//   it ran are read by the next incremental pull (the same ceiling applies to incremental runs).
import type { PageObjectResponse } from '@notionhq/client';
import type { AllRowsPosition, DataSourceFilter, NotionClient } from '../../notion/index.ts';
import type { CoverageGaps } from '../engine-types.ts';
import type { Checkpoint, JsonValue } from '../store-api.ts';

export interface ListingBatch {
  pages: PageObjectResponse[];
  requestId?: string;
  checkpoint: {
    cursor?: string | null;
    cursorPageId?: string | null;
    queryState?: JsonValue | null;
  };
  /** Set on the last batch of an enumeration that listed every row from the start in this run. */
  completeListing?: boolean;
}

export interface WindowsState {
  mode: 'windows';
  /** Lower bound on last_edited_time (null: every row). */
  since: string | null;
  startedAt: string;
  position: AllRowsPosition | null;
}

const toJson = (state: WindowsState): JsonValue => state as unknown as JsonValue;

export interface ListingOptions {
  /** Restart the enumeration from scratch (`pull --full`, or no cursor yet). */
  full: boolean;
  /** Enumerate every row instead of the incremental query (a reconcile is due). */
  enumerate?: boolean;
  overlapMs: number;
  nowMs: number;
  gaps: CoverageGaps;
}

export type ListingMode = 'incremental' | 'full';

const MINUTE_MS = 60_000;

const iso = (ms: number) => new Date(ms).toISOString();
const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

function editedSince(since: string): DataSourceFilter {
  return {
    timestamp: 'last_edited_time',
    last_edited_time: { on_or_after: since },
  } as DataSourceFilter;
}

function readWindowsState(value: JsonValue | null | undefined): WindowsState | null {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value.mode !== 'windows')
    return null;
  return value as unknown as WindowsState;
}

/** Latest last_edited_time in `pages` and the greatest id among the rows at that instant. */
function latestOf(
  pages: PageObjectResponse[],
  floor: string | null,
): { at: string | null; id: string | null } {
  let at = floor === null ? null : Date.parse(floor);
  let id: string | null = null;
  for (const page of pages) {
    const edited = Date.parse(page.last_edited_time);
    if (at === null || edited > at) {
      at = edited;
      id = page.id;
    } else if (edited === at && (id === null || page.id > id)) id = page.id;
  }
  return { at: at === null ? null : iso(at), id };
}

/** How the next pull of a source will list its rows. */
export function listingModeOf(checkpoint: Checkpoint | null, full: boolean): ListingMode {
  if (full || !checkpoint?.cursor) return 'full';
  return readWindowsState(checkpoint.queryState)?.since === null ? 'full' : 'incremental';
}

async function* iterateWindows(
  notion: NotionClient,
  dataSourceId: string,
  state: WindowsState,
  fresh: boolean,
  gaps: CoverageGaps,
): AsyncGenerator<ListingBatch> {
  // A listing with an unreachable minute is no complete listing: it deletes nothing.
  let unreachable = false;
  const pages = notion.iterateAllDataSourceRowPages(dataSourceId, {
    filter: state.since === null ? undefined : editedSince(state.since),
    resume: state.position ?? undefined,
    onUnreachable: () => {
      gaps.unreachableMinutes += 1;
      unreachable = true;
    },
  });
  for await (const page of pages) {
    const base = { pages: page.results, ...(page.requestId ? { requestId: page.requestId } : {}) };
    if (page.next) {
      const queryState: WindowsState = { ...state, position: page.next };
      yield { ...base, checkpoint: { queryState: toJson(queryState) } };
    } else {
      const cursor = iso(floorMinute(Date.parse(state.startedAt)));
      yield {
        ...base,
        checkpoint: { cursor, cursorPageId: null, queryState: null },
        completeListing: fresh && state.since === null && !unreachable,
      };
    }
  }
}

/**
 * The batches of one pull of a data source, each with the checkpoint to commit with it.
 * Resumes an interrupted enumeration from `checkpoint.queryState` unless `full` restarts it.
 */
export async function* iterateSourceBatches(
  notion: NotionClient,
  dataSourceId: string,
  checkpoint: Checkpoint | null,
  options: ListingOptions,
): AsyncGenerator<ListingBatch> {
  const saved = readWindowsState(checkpoint?.queryState);
  if (saved && !options.full) {
    yield* iterateWindows(notion, dataSourceId, saved, false, options.gaps);
    return;
  }
  const startedAt = iso(options.nowMs);
  if (options.full || options.enumerate || !checkpoint?.cursor) {
    const state: WindowsState = {
      mode: 'windows',
      since: null,
      startedAt,
      position: null,
    };
    yield* iterateWindows(notion, dataSourceId, state, true, options.gaps);
    return;
  }
  const since = iso(Date.parse(checkpoint.cursor) - options.overlapMs);
  let cursor: string | null = checkpoint.cursor;
  let hitCap = false;
  const pages = notion.iterateDataSourceQueryPages(dataSourceId, {
    filter: editedSince(since),
    sorts: [{ timestamp: 'last_edited_time', direction: 'ascending' }],
  });
  // Rows edited while this run lists may be re-edited in the same minute: never move the
  // cursor past the minute the run started in.
  const ceiling = floorMinute(options.nowMs);
  for await (const page of pages) {
    const latest = latestOf(page.results, cursor);
    const clamped = latest.at !== null && Date.parse(latest.at) > ceiling;
    const at = clamped ? iso(ceiling) : latest.at;
    const moved = at !== cursor;
    cursor = at;
    if (page.incomplete) hitCap = true;
    yield {
      pages: page.results,
      ...(page.requestId ? { requestId: page.requestId } : {}),
      checkpoint: moved
        ? { cursor, cursorPageId: clamped ? null : latest.id, queryState: null }
        : { queryState: null },
    };
  }
  if (!hitCap) return;
  // More rows changed than one query returns: continue in created_time windows from the cursor.
  options.gaps.cappedQueries += 1;
  const from = iso(Date.parse(cursor ?? checkpoint.cursor) - options.overlapMs);
  const state: WindowsState = {
    mode: 'windows',
    since: from,
    startedAt,
    position: null,
  };
  yield* iterateWindows(notion, dataSourceId, state, false, options.gaps);
}
