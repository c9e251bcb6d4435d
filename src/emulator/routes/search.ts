import { bodyValidationError } from '../errors.ts';
import { renderDataSource, renderPage } from '../render.ts';
import { isObject, plainText } from '../rich-text.ts';
import { type ApiRequest, listResponse, pageSizeOf, type Route } from '../router.ts';
import type { DataSourceRecord, JsonObject, PageRecord } from '../state.ts';

type Hit = { kind: 'page'; record: PageRecord } | { kind: 'data_source'; record: DataSourceRecord };

function searchFilter(body: Record<string, unknown>): {
  object?: 'page' | 'data_source';
  inTrash: boolean;
} {
  const filter = body.filter;
  if (filter === undefined || filter === null) return { inTrash: false };
  if (!isObject(filter)) throw bodyValidationError('body.filter', 'should be an object');
  const inTrash = filter.in_trash === true;
  if (filter.property === undefined) return { inTrash };
  if (filter.property !== 'object')
    throw bodyValidationError('body.filter.property', 'should be `"object"`');
  if (filter.value !== 'page' && filter.value !== 'data_source') {
    throw bodyValidationError(
      'body.filter.value',
      `should be \`"page"\` or \`"data_source"\`, instead was \`${JSON.stringify(filter.value)}\``,
    );
  }
  return { object: filter.value, inTrash };
}

/** Title search over pages and data sources visible to the integration (§4.7). */
function searchRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const query = typeof body.query === 'string' ? body.query.trim().toLowerCase() : '';
  const { object, inTrash } = searchFilter(body);
  const sort = isObject(body.sort) ? body.sort : undefined;
  if (sort && sort.timestamp !== 'last_edited_time')
    throw bodyValidationError('body.sort.timestamp', 'should be `"last_edited_time"`');
  const hits: Hit[] = [];
  const matches = (title: string) => query === '' || title.toLowerCase().includes(query);
  if (object !== 'data_source') {
    for (const page of Object.values(ws.state.pages)) {
      if (
        page.inTrash === inTrash &&
        matches(plainText(page.properties.title ?? [])) &&
        ws.isVisible(page.id, actor.id)
      )
        hits.push({ kind: 'page', record: page });
    }
  }
  if (object !== 'page') {
    for (const ds of Object.values(ws.state.dataSources)) {
      if (ds.inTrash === inTrash && matches(plainText(ds.title)) && ws.isVisible(ds.id, actor.id))
        hits.push({ kind: 'data_source', record: ds });
    }
  }
  const direction = sort?.direction === 'ascending' ? 1 : -1;
  hits.sort(
    (a, b) =>
      (a.record.lastEditedTime - b.record.lastEditedTime) * direction ||
      a.record.id.localeCompare(b.record.id),
  );
  return listResponse(
    hits,
    (h) => h.record.id,
    (h) =>
      h.kind === 'page'
        ? renderPage(ws, h.record, request.version)
        : renderDataSource(ws, h.record, request.version),
    {
      cursor: body.start_cursor,
      pageSize: pageSizeOf(body.page_size, 'body.page_size'),
      type: 'page_or_data_source',
    },
  );
}

export const searchRoutes: Route[] = [
  { method: 'POST', template: '/v1/search', handler: searchRoute, readOnly: true },
];
