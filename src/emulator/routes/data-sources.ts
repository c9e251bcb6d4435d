import { bodyValidationError } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import { renderDataSource } from '../render.ts';
import { isObject, parseRichText } from '../rich-text.ts';
import { type ApiRequest, pageSizeOf, pathId, type Route } from '../router.ts';
import { updateSchema } from '../schema-writes.ts';
import type { JsonObject, JsonValue } from '../state.ts';
import { queryDataSourceRoute } from './query.ts';

function updateDataSourceRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const ds = ws.dataSource(pathId(request, 'data_source_id'), actor);
  if (body.archived !== undefined && request.version !== '2025-09-03') {
    throw bodyValidationError(
      'body.archived',
      'should be not present (use in_trash with Notion-Version 2026-03-11)',
    );
  }
  const trash = body.in_trash ?? body.archived;
  if (trash !== undefined && typeof trash !== 'boolean')
    throw bodyValidationError('body.in_trash', 'should be a boolean');
  const title =
    body.title === undefined ? undefined : parseRichText(body.title, 'body.title', ws.resolver);
  const description =
    body.description === undefined
      ? undefined
      : parseRichText(body.description, 'body.description', ws.resolver);
  let targetDb: string | undefined;
  if (body.parent !== undefined) {
    const parent = isObject(body.parent) ? body.parent : {};
    targetDb = normalizeId(parent.database_id);
    if (!targetDb) throw bodyValidationError('body.parent.database_id', 'should be a valid uuid');
    ws.database(targetDb, actor);
  }
  if (body.properties !== undefined) updateSchema(ws, actor, ds, body.properties);
  if (title) ds.title = title;
  if (description) ds.description = description;
  if (body.icon !== undefined) ds.icon = body.icon as JsonValue;
  if (typeof trash === 'boolean') ds.inTrash = trash;
  if (targetDb && targetDb !== ds.databaseId) {
    const from = ws.state.databases[ds.databaseId];
    if (from) from.dataSourceIds = from.dataSourceIds.filter((id) => id !== ds.id);
    ws.state.databases[targetDb]?.dataSourceIds.push(ds.id);
    ds.databaseId = targetDb;
  }
  ds.lastEditedTime = ws.now();
  ds.lastEditedBy = actor.id;
  return renderDataSource(ws, ds, request.version);
}

/** Page templates are not emulated: every data source lists none (shape as recorded). */
function listTemplatesRoute(request: ApiRequest): JsonObject {
  request.ws.dataSource(pathId(request, 'data_source_id'), request.actor);
  pageSizeOf(request.query.get('page_size') ?? undefined, 'query.page_size');
  return { templates: [], has_more: false, next_cursor: null };
}

export const dataSourceRoutes: Route[] = [
  {
    method: 'GET',
    template: '/v1/data_sources/{data_source_id}',
    handler: (r) =>
      renderDataSource(r.ws, r.ws.dataSource(pathId(r, 'data_source_id'), r.actor), r.version),
  },
  {
    method: 'PATCH',
    template: '/v1/data_sources/{data_source_id}',
    handler: updateDataSourceRoute,
  },
  {
    method: 'POST',
    template: '/v1/data_sources/{data_source_id}/query',
    handler: queryDataSourceRoute,
    readOnly: true,
  },
  {
    method: 'GET',
    template: '/v1/data_sources/{data_source_id}/templates',
    handler: listTemplatesRoute,
    bareBody: true,
  },
];
