import { bodyValidationError } from '../errors.ts';
import { compileFilter, type RowPredicate } from '../query/filter.ts';
import { compileSorts, sortRows } from '../query/sort.ts';
import { renderPage } from '../render.ts';
import { type ApiRequest, decodeCursor, encodeCursor, pageSizeOf, pathId } from '../router.ts';
import type { JsonObject, PageRecord } from '../state.ts';
import type { Workspace } from '../workspace.ts';

/** One query (filter + sorts) yields at most this many rows (notion-api.md §4.6). */
export const QUERY_RESULT_LIMIT = 10_000;
const CACHE_ENTRIES = 16;

interface CachedResult {
  ids: string[];
  index: Map<string, number>;
}

const caches = new WeakMap<Workspace, Map<string, CachedResult>>();

/**
 * The full, ordered id list of a query. Paging through one query re-uses it while the
 * workspace is unchanged (keyed on the workspace revision), so a cursor loop is O(n log n) once.
 */
function resolveQuery(request: ApiRequest, dsId: string): CachedResult {
  const { ws, body } = request;
  const cache = caches.get(ws) ?? new Map<string, CachedResult>();
  caches.set(ws, cache);
  const nowMinute = Math.floor(ws.now() / 60_000);
  const key = JSON.stringify([
    dsId,
    ws.state.revision,
    request.actor.id,
    nowMinute,
    body.filter ?? null,
    body.sorts ?? null,
    body.in_trash ?? false,
  ]);
  const hit = cache.get(key);
  if (hit) return hit;
  const ds = ws.state.dataSources[dsId]!;
  const predicate: RowPredicate | undefined =
    body.filter === undefined || body.filter === null
      ? undefined
      : compileFilter(ds, body.filter, { ws, meId: request.actor.id, nowMs: ws.now() });
  const sorts = compileSorts(ws, ds, body.sorts);
  if (body.in_trash !== undefined && typeof body.in_trash !== 'boolean')
    throw bodyValidationError('body.in_trash', 'should be a boolean');
  const wantTrash = body.in_trash === true;
  const rows: PageRecord[] = [];
  for (const id of ds.rowIds) {
    const page = ws.state.pages[id];
    if (!page || page.inTrash !== wantTrash) continue;
    if (predicate && !predicate(page)) continue;
    rows.push(page);
  }
  const ids = sortRows(rows, sorts).map((p) => p.id);
  const result = { ids, index: new Map(ids.map((id, i) => [id, i])) };
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value ?? '');
  cache.set(key, result);
  return result;
}

export function queryDataSourceRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const ds = ws.dataSource(pathId(request, 'data_source_id'), actor);
  const pageSize = pageSizeOf(body.page_size, 'body.page_size');
  if (
    body.result_type !== undefined &&
    body.result_type !== 'page' &&
    body.result_type !== 'data_source'
  ) {
    throw bodyValidationError('body.result_type', 'should be `"page"` or `"data_source"`');
  }
  const { ids, index } = resolveQuery(request, ds.id);
  const start = decodeCursor(body.start_cursor, ids, (id) => index.get(id));
  const limit = Math.min(ids.length, QUERY_RESULT_LIMIT);
  const end = Math.min(start + pageSize, limit);
  const filterProperties = request.query.getAll('filter_properties');
  const results = ids.slice(start, end).map((id) =>
    renderPage(ws, ws.state.pages[id]!, request.version, {
      filterProperties: filterProperties.length > 0 ? filterProperties : undefined,
    }),
  );
  const capped = end >= QUERY_RESULT_LIMIT && ids.length > QUERY_RESULT_LIMIT;
  const hasMore = !capped && end < ids.length;
  const response: JsonObject = {
    object: 'list',
    results,
    next_cursor: hasMore ? encodeCursor(end, ids[end]!) : null,
    has_more: hasMore,
    type: 'page_or_data_source',
    page_or_data_source: {},
  };
  if (capped)
    response.request_status = {
      type: 'incomplete',
      incomplete_reason: 'query_result_limit_reached',
    };
  return response;
}
