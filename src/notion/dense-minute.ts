// Rows of ONE created_time minute that holds more rows than one query returns (a CSV import):
// created_time windows cannot split it, so it is split another way. Invariants:
// - first by a property the data allows a range on (a `unique_id`, else a `number`): sorted by
//   it ascending and filtered `≥` the last value a capped query reached, every row with a
//   smaller value has been listed (the query returned the smallest ones), so the minute is
//   proven complete once the last query is not capped and the rows with no value were listed by
//   an uncapped `is_empty` query; more rows than the cap sharing one value defeat a property;
// - otherwise the minute is read in both created_time directions (up to 20,000 rows when the
//   service orders ties consistently) — which proves nothing about the rows in between, so the
//   minute is reported through `onUnreachable`: a coverage gap, never a silent one;
// - rows already yielded (`seen`) are never yielded again.
import type { PageObjectResponse } from '@notionhq/client';
import type { DataSourceFilter, DataSourceQueryOptions } from './data-source-rows.ts';
import type { ListPage } from './pagination.ts';

type Query = (options: DataSourceQueryOptions) => AsyncGenerator<ListPage<PageObjectResponse>>;

interface RangeProperty {
  id: string;
  type: 'unique_id' | 'number';
}

export interface DenseMinutePage {
  results: PageObjectResponse[];
  requestId?: string;
}

const MINUTE_MS = 60_000;

/** The minute after `minute` (an ISO instant on a minute boundary). */
export const nextMinute = (minute: string) =>
  new Date(Date.parse(minute) + MINUTE_MS).toISOString();

function and(...parts: (DataSourceFilter | undefined)[]): DataSourceFilter {
  const flat: unknown[] = [];
  for (const part of parts) {
    if (!part) continue;
    // Flattening a top-level `and` keeps Notion's two-level nesting limit.
    if ('and' in part) flat.push(...(part as { and: unknown[] }).and);
    else flat.push(part);
  }
  return { and: flat } as DataSourceFilter;
}

/** Properties of the rows' shape a range filter can split on, unique ids first. */
function rangeProperties(sample: PageObjectResponse | undefined): RangeProperty[] {
  if (!sample) return [];
  const found = Object.values(sample.properties as Record<string, { id: string; type: string }>)
    .filter((p) => p.type === 'unique_id' || p.type === 'number')
    .map((p) => ({ id: p.id, type: p.type as RangeProperty['type'] }));
  return found.sort((a, b) => Number(b.type === 'unique_id') - Number(a.type === 'unique_id'));
}

function rangeValueOf(page: PageObjectResponse, property: RangeProperty): number | null {
  const raw = Object.values(page.properties as Record<string, Record<string, unknown>>).find(
    (p) => p.id === property.id,
  );
  if (!raw) return null;
  if (property.type === 'number') return typeof raw.number === 'number' ? raw.number : null;
  const unique = raw.unique_id as { number?: number | null } | undefined;
  return typeof unique?.number === 'number' ? unique.number : null;
}

function condition(property: RangeProperty, operator: string, value: unknown): DataSourceFilter {
  return { property: property.id, [property.type]: { [operator]: value } } as DataSourceFilter;
}

/** Runs one query to its end; `fresh` rows are those not in `seen` (added to it). */
async function* runQuery(
  query: Query,
  options: DataSourceQueryOptions,
  seen: Set<string>,
  onRow: (row: PageObjectResponse) => void,
  state: { capped: boolean },
): AsyncGenerator<DenseMinutePage> {
  for await (const page of query(options)) {
    const results = page.results.filter((row) => !seen.has(row.id));
    for (const row of page.results) onRow(row);
    for (const row of results) seen.add(row.id);
    if (page.incomplete) state.capped = true;
    yield { results, ...(page.requestId ? { requestId: page.requestId } : {}) };
  }
}

/** Keyset enumeration of the minute by one property; true when it proved the minute complete. */
async function* byProperty(
  query: Query,
  minuteFilter: DataSourceFilter,
  property: RangeProperty,
  seen: Set<string>,
): AsyncGenerator<DenseMinutePage, boolean> {
  let from: number | null = null;
  for (;;) {
    let max: number | null = from;
    const state = { capped: false };
    const bound =
      from === null
        ? condition(property, 'is_not_empty', true)
        : condition(property, 'greater_than_or_equal_to', from);
    yield* runQuery(
      query,
      {
        filter: and(minuteFilter, bound),
        sorts: [{ property: property.id, direction: 'ascending' }],
      },
      seen,
      (row) => {
        const value = rangeValueOf(row, property);
        if (value !== null && (max === null || value > max)) max = value;
      },
      state,
    );
    if (!state.capped) break;
    if (max === null || max === from) return false;
    from = max;
  }
  const empty = { capped: false };
  yield* runQuery(
    query,
    { filter: and(minuteFilter, condition(property, 'is_empty', true)) },
    seen,
    () => {},
    empty,
  );
  return !empty.capped;
}

/**
 * The rows of minute `minute` not in `seen`, page by page. `filter` is the caller's filter;
 * `sample` one row of the minute (its properties show what the data allows splitting on).
 */
export async function* iterateDenseMinute(
  query: Query,
  minute: string,
  filter: DataSourceFilter | undefined,
  sample: PageObjectResponse | undefined,
  seen: Set<string>,
  onUnreachable: (createdTime: string) => void,
): AsyncGenerator<DenseMinutePage> {
  const minuteFilter = and(filter, {
    timestamp: 'created_time',
    created_time: { equals: minute },
  } as DataSourceFilter);
  for (const property of rangeProperties(sample)) {
    if (yield* byProperty(query, minuteFilter, property, seen)) return;
  }
  const state = { capped: false };
  yield* runQuery(
    query,
    { filter: minuteFilter, sorts: [{ timestamp: 'created_time', direction: 'descending' }] },
    seen,
    () => {},
    state,
  );
  if (state.capped) onUnreachable(minute);
}
