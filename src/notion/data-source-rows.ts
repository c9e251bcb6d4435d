import type { PageObjectResponse, QueryDataSourceParameters } from '@notionhq/client';
import { iterateDenseMinute, nextMinute } from './dense-minute.ts';
import type { NotionApi } from './notion-api.ts';
import { iterateListItems, iterateListPages, type ListPage } from './pagination.ts';

export type DataSourceFilter = NonNullable<QueryDataSourceParameters['filter']>;
export type DataSourceSorts = NonNullable<QueryDataSourceParameters['sorts']>;

export interface DataSourceQueryOptions {
  filter?: DataSourceFilter | undefined;
  sorts?: DataSourceSorts | undefined;
  /** Property ids to return (trims `properties` of each row). */
  filterProperties?: string[] | undefined;
  /** true lists trashed rows instead of live ones. */
  inTrash?: boolean | undefined;
  pageSize?: number | undefined;
  startCursor?: string | undefined;
}

function isFullPage(value: { object: string }): value is PageObjectResponse {
  return value.object === 'page' && 'properties' in value;
}

/**
 * One query, page by page (resumable with `startCursor`; `incomplete` set at the 10,000-row cap).
 * Rows are full page objects; data source entries of wiki queries are left out.
 */
export function iterateDataSourceQueryPages(
  api: NotionApi,
  dataSourceId: string,
  options: DataSourceQueryOptions = {},
): AsyncGenerator<ListPage<PageObjectResponse>> {
  const what = `rows of data source ${dataSourceId}`;
  return (async function* () {
    const pages = iterateListPages(
      (cursor) =>
        api.dataSources.query({
          data_source_id: dataSourceId,
          ...(options.filter ? { filter: options.filter } : {}),
          ...(options.sorts ? { sorts: options.sorts } : {}),
          ...(options.filterProperties ? { filter_properties: options.filterProperties } : {}),
          ...(options.inTrash !== undefined ? { in_trash: options.inTrash } : {}),
          page_size: options.pageSize ?? 100,
          ...(cursor ? { start_cursor: cursor } : {}),
        }),
      { what, startCursor: options.startCursor },
    );
    for await (const page of pages) yield { ...page, results: await fullRows(api, page.results) };
  })();
}

/** Rows as full pages: a partial row (`{ object: 'page', id }`) is read on its own; data sources of a wiki are skipped. */
async function fullRows(
  api: NotionApi,
  results: readonly { object: string; id: string }[],
): Promise<PageObjectResponse[]> {
  const rows: PageObjectResponse[] = [];
  for (const result of results) {
    if (isFullPage(result)) rows.push(result);
    else if (result.object === 'page') {
      const page = await api.pages.retrieve({ page_id: result.id });
      if (isFullPage(page)) rows.push(page);
    }
  }
  return rows;
}

/** Rows of one query; throws `notion_incomplete` after the last row if the query was capped. */
export function iterateDataSourceRows(
  api: NotionApi,
  dataSourceId: string,
  options: DataSourceQueryOptions = {},
): AsyncGenerator<PageObjectResponse> {
  return iterateListItems(
    iterateDataSourceQueryPages(api, dataSourceId, options),
    `rows of data source ${dataSourceId}`,
  );
}

/** Where a full enumeration stands; pass it back as `resume` to continue after a crash. */
export interface AllRowsPosition {
  /** created_time lower bound of the current window (inclusive); null for the first window. */
  windowStart: string | null;
  /** Cursor within the window; null to start the window from its beginning. */
  cursor: string | null;
}

export interface AllRowsPage {
  /** New rows (boundary rows already yielded by the previous window are left out). */
  results: PageObjectResponse[];
  /** Position after this page; null once every row has been listed. */
  next: AllRowsPosition | null;
  requestId?: string;
}

export interface AllRowsOptions {
  /** The caller's filter; AND-ed with each created_time window. */
  filter?: DataSourceFilter | undefined;
  filterProperties?: string[] | undefined;
  inTrash?: boolean | undefined;
  pageSize?: number | undefined;
  resume?: AllRowsPosition | undefined;
  /**
   * Called for a created_time minute whose rows no query the data allows could list completely
   * (more than 10,000 rows in one minute and no property to split them on): a coverage gap.
   */
  onUnreachable?: ((createdTime: string) => void) | undefined;
}

function withLowerBound(filter: DataSourceFilter | undefined, windowStart: string | null) {
  if (windowStart === null) return filter;
  const bound = { timestamp: 'created_time', created_time: { on_or_after: windowStart } };
  if (!filter) return bound as DataSourceFilter;
  // Appending to a top-level `and` keeps Notion's two-level nesting limit.
  if ('and' in filter) return { and: [...filter.and, bound] } as DataSourceFilter;
  return { and: [filter, bound] } as DataSourceFilter;
}

/**
 * Every row of a data source, past the 10,000-row cap of a single query: rows are read in
 * created_time order, and when a query is capped a new one starts at the last row's
 * created_time (inclusive), skipping boundary rows already yielded. A minute holding more rows
 * than the cap is split another way (dense-minute.ts); what stays unreachable is reported to
 * `onUnreachable`. After `resume`, rows of the boundary minute may be yielded a second time
 * (callers de-duplicate by hash).
 */
export async function* iterateAllDataSourceRowPages(
  api: NotionApi,
  dataSourceId: string,
  options: AllRowsOptions = {},
): AsyncGenerator<AllRowsPage> {
  let windowStart = options.resume?.windowStart ?? null;
  let cursor = options.resume?.cursor ?? undefined;
  let carried = new Set<string>();
  for (;;) {
    let lastCreatedTime: string | null = null;
    let boundary = new Set<string>();
    let capped = false;
    const pages = iterateDataSourceQueryPages(api, dataSourceId, {
      filter: withLowerBound(options.filter, windowStart),
      sorts: [{ timestamp: 'created_time', direction: 'ascending' }],
      filterProperties: options.filterProperties,
      inTrash: options.inTrash,
      pageSize: options.pageSize,
      startCursor: cursor ?? undefined,
    });
    let sample: PageObjectResponse | undefined;
    let firstCreatedTime: string | null = null;
    for await (const page of pages) {
      const results: PageObjectResponse[] = [];
      sample = page.results[0] ?? sample;
      for (const row of page.results) {
        firstCreatedTime ??= row.created_time;
        if (row.created_time !== lastCreatedTime) {
          lastCreatedTime = row.created_time;
          boundary = new Set();
        }
        boundary.add(row.id);
        if (!carried.has(row.id)) results.push(row);
      }
      if (page.incomplete) capped = true;
      let next: AllRowsPosition | null = null;
      if (page.nextCursor) next = { windowStart, cursor: page.nextCursor };
      else if (capped && lastCreatedTime !== null)
        // A dense minute (the window could not move) restarts its split after a crash.
        next = { windowStart: lastCreatedTime, cursor: null };
      yield { results, next, ...(page.requestId ? { requestId: page.requestId } : {}) };
    }
    if (!capped || lastCreatedTime === null) return;
    if (lastCreatedTime === windowStart || lastCreatedTime === firstCreatedTime) {
      const minute: string = lastCreatedTime;
      const query = (o: DataSourceQueryOptions) =>
        iterateDataSourceQueryPages(api, dataSourceId, {
          ...o,
          filterProperties: options.filterProperties,
          inTrash: options.inTrash,
          pageSize: options.pageSize,
        });
      const after = { windowStart: nextMinute(minute), cursor: null };
      const dense = iterateDenseMinute(query, minute, options.filter, sample, boundary, (at) =>
        options.onUnreachable?.(at),
      );
      for await (const page of dense)
        yield { ...page, next: { windowStart: minute, cursor: null } };
      // Nothing after this minute has been listed yet: the next window starts past it.
      yield { results: [], next: after };
      windowStart = after.windowStart;
      carried = new Set();
    } else {
      windowStart = lastCreatedTime;
      carried = boundary;
    }
    cursor = undefined;
  }
}

/** Rows of `iterateAllDataSourceRowPages`, one by one. */
export async function* iterateAllDataSourceRows(
  api: NotionApi,
  dataSourceId: string,
  options: AllRowsOptions = {},
): AsyncGenerator<PageObjectResponse> {
  for await (const page of iterateAllDataSourceRowPages(api, dataSourceId, options)) {
    yield* page.results;
  }
}
