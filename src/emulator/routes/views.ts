import { randomUUID } from 'node:crypto';
import { bodyValidationError, validationError } from '../errors.ts';
import { newId, normalizeId } from '../ids.ts';
import { compileFilter } from '../query/filter.ts';
import { compileSorts, sortRows } from '../query/sort.ts';
import { isObject } from '../rich-text.ts';
import {
  type ApiRequest,
  decodeCursor,
  encodeCursor,
  listResponse,
  pageSizeOf,
  pathId,
  type Route,
} from '../router.ts';
import type { JsonObject, JsonValue, PageRecord, ViewRecord } from '../state.ts';
import { formatDatabaseTime } from '../time.ts';
import type { Workspace } from '../workspace.ts';

const VIEW_TYPES = new Set([
  'table',
  'board',
  'list',
  'calendar',
  'timeline',
  'gallery',
  'form',
  'chart',
  'map',
  'dashboard',
]);
/** View query results stay readable this long. */
const VIEW_QUERY_TTL_MS = 15 * 60_000;

export function renderView(view: ViewRecord): JsonObject {
  return {
    object: 'view',
    id: view.id,
    parent: { type: 'database_id', database_id: view.databaseId },
    data_source_id: view.dataSourceId,
    name: view.name,
    type: view.type,
    created_time: formatDatabaseTime(view.createdTime),
    created_by: { object: 'user', id: view.createdBy },
    last_edited_time: formatDatabaseTime(view.lastEditedTime),
    last_edited_by: { object: 'user', id: view.lastEditedBy },
    url: `https://app.notion.com/p/${view.databaseId.replaceAll('-', '')}?v=${view.id.replaceAll('-', '')}`,
    filter: view.filter,
    sorts: view.sorts,
    quick_filters: view.quickFilters,
    configuration: view.configuration,
  };
}

/** A view with its data source's filter/sort validation applied (nothing stored). */
function validateViewQuery(
  ws: Workspace,
  request: ApiRequest,
  dataSourceId: string,
  filter: unknown,
  sorts: unknown,
): void {
  const ds = ws.state.dataSources[dataSourceId];
  if (!ds) return;
  if (filter !== undefined && filter !== null)
    compileFilter(ds, filter, { ws, meId: request.actor.id, nowMs: ws.now() });
  if (sorts !== undefined && sorts !== null) compileSorts(ws, ds, sorts);
}

/** The default table view Notion gives a new database. */
export function createDefaultView(
  ws: Workspace,
  databaseId: string,
  dataSourceId: string,
  actorId: string,
): ViewRecord {
  const now = ws.now();
  const view: ViewRecord = {
    id: newId(),
    databaseId,
    dataSourceId,
    name: 'Default view',
    type: 'table',
    filter: null,
    sorts: null,
    quickFilters: null,
    configuration: { type: 'table' },
    createdTime: now,
    lastEditedTime: now,
    createdBy: actorId,
    lastEditedBy: actorId,
  };
  ws.state.views[view.id] = view;
  return view;
}

function createViewRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const dsId = normalizeId(body.data_source_id);
  if (!dsId) throw bodyValidationError('body.data_source_id', 'should be a valid uuid');
  const ds = ws.dataSource(dsId, actor);
  if (body.database_id !== undefined && normalizeId(body.database_id) !== ds.databaseId) {
    throw validationError(
      `Data source ${dsId} does not belong to database ${String(body.database_id)}.`,
    );
  }
  if (typeof body.name !== 'string' || body.name === '')
    throw bodyValidationError('body.name', 'should be a non-empty string');
  if (typeof body.type !== 'string' || !VIEW_TYPES.has(body.type)) {
    throw bodyValidationError('body.type', `should be one of ${[...VIEW_TYPES].join(', ')}`);
  }
  validateViewQuery(ws, request, ds.id, body.filter, body.sorts);
  const view = createDefaultView(ws, ds.databaseId, ds.id, actor.id);
  view.name = body.name;
  view.type = body.type;
  view.filter = (body.filter ?? null) as JsonValue;
  view.sorts = (body.sorts ?? null) as JsonValue;
  view.quickFilters = (body.quick_filters ?? null) as JsonValue;
  view.configuration = isObject(body.configuration)
    ? (body.configuration as JsonObject)
    : { type: body.type };
  return renderView(view);
}

function visibleView(request: ApiRequest): ViewRecord {
  const id = pathId(request, 'view_id');
  const view = request.ws.state.views[id];
  if (!view || !request.ws.isVisible(view.databaseId, request.actor.id))
    return request.ws.notFound('view', id, request.actor);
  return view;
}

function updateViewRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const view = visibleView(request);
  if (body.name !== undefined && (typeof body.name !== 'string' || body.name === '')) {
    throw bodyValidationError('body.name', 'should be a non-empty string');
  }
  validateViewQuery(ws, request, view.dataSourceId, body.filter, body.sorts);
  if (typeof body.name === 'string') view.name = body.name;
  if (body.filter !== undefined) view.filter = body.filter as JsonValue;
  if (body.sorts !== undefined) view.sorts = body.sorts as JsonValue;
  if (body.quick_filters !== undefined) view.quickFilters = body.quick_filters as JsonValue;
  if (isObject(body.configuration)) view.configuration = body.configuration as JsonObject;
  view.lastEditedTime = ws.now();
  view.lastEditedBy = actor.id;
  return renderView(view);
}

function deleteViewRoute(request: ApiRequest): JsonObject {
  const view = visibleView(request);
  delete request.ws.state.views[view.id];
  return {
    object: 'view',
    id: view.id,
    parent: { type: 'database_id', database_id: view.databaseId },
    type: view.type,
  };
}

function listViewsRoute(request: ApiRequest): JsonObject {
  const { ws, actor, query } = request;
  const databaseId = normalizeId(query.get('database_id'));
  const dataSourceId = normalizeId(query.get('data_source_id'));
  if (!databaseId && !dataSourceId)
    throw validationError('query failed validation: give database_id or data_source_id.');
  if (databaseId) ws.database(databaseId, actor);
  if (dataSourceId) ws.dataSource(dataSourceId, actor);
  const views = Object.values(ws.state.views).filter(
    (v) =>
      (!databaseId || v.databaseId === databaseId) &&
      (!dataSourceId || v.dataSourceId === dataSourceId),
  );
  return listResponse(
    views,
    (v) => v.id,
    (v) => ({ object: 'view', id: v.id }),
    {
      cursor: query.get('start_cursor') ?? undefined,
      pageSize: pageSizeOf(query.get('page_size') ?? undefined, 'query.page_size'),
      type: 'view',
    },
  );
}

function runView(ws: Workspace, request: ApiRequest, view: ViewRecord): string[] {
  const ds = ws.state.dataSources[view.dataSourceId];
  if (!ds) return [];
  const predicate =
    view.filter === null
      ? undefined
      : compileFilter(ds, view.filter, { ws, meId: request.actor.id, nowMs: ws.now() });
  const rows: PageRecord[] = [];
  for (const id of ds.rowIds) {
    const page = ws.state.pages[id];
    if (page && !page.inTrash && (!predicate || predicate(page))) rows.push(page);
  }
  return sortRows(rows, view.sorts === null ? [] : compileSorts(ws, ds, view.sorts)).map(
    (p) => p.id,
  );
}

function resultsPage(ids: readonly string[], cursor: unknown, pageSize: number): JsonObject {
  const start = decodeCursor(cursor, ids);
  const end = start + pageSize;
  const next = ids[end];
  return {
    results: ids.slice(start, end).map((id) => ({ object: 'page', id })),
    next_cursor: next === undefined ? null : encodeCursor(end, next),
    has_more: next !== undefined,
  };
}

function createViewQueryRoute(request: ApiRequest): JsonObject {
  const { ws, body } = request;
  const view = visibleView(request);
  const ids = runView(ws, request, view);
  const id = randomUUID();
  const expiresAt = ws.now() + VIEW_QUERY_TTL_MS;
  ws.viewQueries.set(id, { viewId: view.id, ids, expiresAt });
  return {
    object: 'view_query',
    id,
    view_id: view.id,
    expires_at: formatDatabaseTime(expiresAt),
    total_count: ids.length,
    ...resultsPage(ids, undefined, pageSizeOf(body.page_size, 'body.page_size')),
  };
}

function openQuery(request: ApiRequest): { id: string; ids: string[] } {
  const view = visibleView(request);
  const id = request.params.query_id ?? '';
  const found = request.ws.viewQueries.get(id);
  if (!found || found.viewId !== view.id || found.expiresAt < request.ws.now()) {
    return request.ws.notFound('view_query', id, request.actor);
  }
  return { id, ids: found.ids };
}

export const viewRoutes: Route[] = [
  { method: 'POST', template: '/v1/views', handler: createViewRoute },
  { method: 'GET', template: '/v1/views', handler: listViewsRoute },
  { method: 'GET', template: '/v1/views/{view_id}', handler: (r) => renderView(visibleView(r)) },
  { method: 'PATCH', template: '/v1/views/{view_id}', handler: updateViewRoute },
  { method: 'DELETE', template: '/v1/views/{view_id}', handler: deleteViewRoute },
  {
    method: 'POST',
    template: '/v1/views/{view_id}/queries',
    handler: createViewQueryRoute,
    readOnly: true,
  },
  {
    method: 'GET',
    template: '/v1/views/{view_id}/queries/{query_id}',
    handler: (r) => {
      const { ids } = openQuery(r);
      const page = resultsPage(
        ids,
        r.query.get('start_cursor') ?? undefined,
        pageSizeOf(r.query.get('page_size') ?? undefined, 'query.page_size'),
      );
      return { object: 'list', ...page, type: 'page', page: {} };
    },
  },
  {
    method: 'DELETE',
    template: '/v1/views/{view_id}/queries/{query_id}',
    handler: (r) => {
      const { id } = openQuery(r);
      r.ws.viewQueries.delete(id);
      return { object: 'view_query', id, deleted: true };
    },
  },
];
