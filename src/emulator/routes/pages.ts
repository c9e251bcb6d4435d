import { parseBlockArray } from '../block-input.ts';
import { bodyValidationError, validationError } from '../errors.ts';
import { parseFileInput } from '../file-uploads.ts';
import { normalizeId } from '../ids.ts';
import {
  assertNotInTrash,
  createPage,
  detachFromParent,
  parseProperties,
  resolvePageParent,
  writeProperties,
} from '../page-writes.ts';
import { computeValue, dataSourceOf, renderUser } from '../properties/render-value.ts';
import { findSchema } from '../properties/values.ts';
import { renderPage } from '../render.ts';
import { isObject } from '../rich-text.ts';
import {
  type ApiRequest,
  decodeCursor,
  encodeCursor,
  pageSizeOf,
  pathId,
  type Route,
} from '../router.ts';
import type { JsonObject, JsonValue, PageRecord, PropertySchema } from '../state.ts';
import { startAsyncTask } from './async-tasks.ts';
import { markdownBodyToDrafts } from './markdown.ts';

function filterProperties(request: ApiRequest): string[] | undefined {
  const list = request.query.getAll('filter_properties');
  return list.length > 0 ? list : undefined;
}

function trashFlag(request: ApiRequest): boolean | undefined {
  const { body } = request;
  if (body.archived !== undefined && request.version !== '2025-09-03') {
    throw bodyValidationError(
      'body.archived',
      'should be not present (use in_trash with Notion-Version 2026-03-11)',
    );
  }
  const value = body.in_trash ?? body.archived;
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw bodyValidationError('body.in_trash', 'should be a boolean');
  return value;
}

/** Where `position` puts a new sub-page among its parent's blocks (undefined: at the end). */
function positionIndex(
  request: ApiRequest,
  siblings: readonly string[] | undefined,
): number | undefined {
  const position = request.body.position;
  if (position === undefined) return undefined;
  if (!isObject(position) || !siblings) {
    throw bodyValidationError(
      'body.position',
      'should be a page position, and only for page or block parents',
    );
  }
  if (position.type === 'page_start') return 0;
  if (position.type === 'page_end') return undefined;
  if (position.type === 'after_block' && isObject(position.after_block)) {
    const index = siblings.indexOf(normalizeId(position.after_block.id) ?? '');
    if (index < 0)
      throw validationError(
        `Block ${String(position.after_block.id)} is not a child of the parent.`,
      );
    return index + 1;
  }
  throw bodyValidationError(
    'body.position.type',
    'should be `"after_block"`, `"page_start"` or `"page_end"`',
  );
}

function createPageRoute(request: ApiRequest): JsonObject | { status: number; body: JsonObject } {
  const { ws, actor, body } = request;
  const { ref, ds } = resolvePageParent(ws, actor, body.parent);
  if (ds) assertNotInTrash(ds, 'data source');
  const values = parseProperties(ws, ds, body.properties);
  if (body.markdown !== undefined && (body.children !== undefined || body.content !== undefined)) {
    throw validationError(
      'body failed validation: markdown cannot be combined with children or content.',
    );
  }
  const children =
    body.markdown !== undefined
      ? markdownBodyToDrafts(ws, body.markdown, 'body.markdown')
      : parseBlockArray(
          body.children ?? body.content ?? [],
          body.children !== undefined ? 'body.children' : 'body.content',
          ws.resolver,
        );
  const at = positionIndex(
    request,
    ref.type === 'data_source_id' ? undefined : ws.childIdsOf(ref.id),
  );
  const page = createPage(ws, {
    parent: ref,
    ds,
    values,
    icon: parseFileInput(ws, body.icon ?? null, 'body.icon'),
    cover: parseFileInput(ws, body.cover ?? null, 'body.cover'),
    children,
    createdBy: actor.id,
  });
  if (at !== undefined) {
    const siblings = ws.childIdsOf(ref.id) ?? [];
    siblings.splice(siblings.indexOf(page.id), 1);
    siblings.splice(at, 0, page.id);
  }
  const result = renderPage(ws, page, request.version, {
    filterProperties: filterProperties(request),
  });
  if (body.allow_async === true && body.markdown !== undefined) {
    return { status: 202, body: startAsyncTask(ws, 'POST /v1/pages', result) };
  }
  return result;
}

function updatePageRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const page = ws.page(pathId(request, 'page_id'), actor);
  const trash = trashFlag(request);
  const values = parseProperties(ws, dataSourceOf(ws, page), body.properties);
  if (
    page.inTrash &&
    trash !== false &&
    (values.length > 0 || body.icon !== undefined || body.cover !== undefined)
  ) {
    assertNotInTrash(page, 'page');
  }
  if (page.isLocked && values.length > 0 && body.is_locked !== false) {
    throw validationError('Page is locked. Unlock it before editing its properties.');
  }
  writeProperties(ws, page, values, actor.id);
  if (body.icon !== undefined) page.icon = parseFileInput(ws, body.icon, 'body.icon');
  if (body.cover !== undefined) page.cover = parseFileInput(ws, body.cover, 'body.cover');
  if (typeof body.is_locked === 'boolean') page.isLocked = body.is_locked;
  if (typeof body.is_archived === 'boolean') page.isArchived = body.is_archived;
  if (trash !== undefined) page.inTrash = trash;
  if (body.erase_content === true) page.childIds = [];
  page.lastEditedTime = ws.now();
  page.lastEditedBy = actor.id;
  return renderPage(ws, page, request.version, { filterProperties: filterProperties(request) });
}

function movePageRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const page = ws.page(pathId(request, 'page_id'), actor);
  const parent = isObject(body.parent) ? body.parent : undefined;
  if (!parent || (parent.page_id === undefined && parent.data_source_id === undefined)) {
    throw bodyValidationError('body.parent', 'should define page_id or data_source_id');
  }
  const { ref, ds } = resolvePageParent(ws, actor, parent);
  for (let at: string | undefined = ref.id; at !== undefined; at = ws.parentIdOf(at)) {
    if (at === page.id)
      throw validationError('A page cannot be moved into itself or one of its descendants.');
  }
  detachFromParent(ws, page.id, page.parent);
  if (ds) {
    const title = page.properties.title;
    page.properties = { title: title ?? [] };
    ds.rowIds.push(page.id);
  } else {
    page.properties = { title: page.properties.title ?? [] };
    ws.childIdsOf(ref.id)?.push(page.id);
  }
  page.parent = ref;
  page.lastEditedTime = ws.now();
  page.lastEditedBy = actor.id;
  return renderPage(ws, page, request.version);
}

const LIST_TYPES = new Set(['title', 'rich_text', 'relation', 'people']);

function propertyItem(schema: PropertySchema, type: string, value: JsonValue): JsonObject {
  return { object: 'property_item', id: schema.id, type, [type]: value };
}

function propertyItemRoute(request: ApiRequest): JsonObject {
  const { ws, actor } = request;
  const page = ws.page(pathId(request, 'page_id'), actor);
  const key = request.params.property_id ?? '';
  const ds = dataSourceOf(ws, page);
  const schema: PropertySchema | undefined = ds
    ? findSchema(ds, key)
    : key === 'title'
      ? { id: 'title', name: 'title', type: 'title', description: null, config: {} }
      : undefined;
  if (!schema) throw validationError(`Could not find property with id: ${key}.`);
  const value = computeValue(ws, page, schema, { truncate: false });
  if (!LIST_TYPES.has(schema.type) && schema.type !== 'rollup')
    return propertyItem(schema, schema.type, value);
  const items: JsonValue[] = schema.type === 'rollup' ? [] : Array.isArray(value) ? value : [];
  const pageSize = pageSizeOf(request.query.get('page_size') ?? undefined, 'query.page_size');
  const ids = items.map((_, i) => String(i));
  const start = decodeCursor(request.query.get('start_cursor') ?? undefined, ids);
  const slice = items.slice(start, start + pageSize);
  const hasMore = start + pageSize < items.length;
  const summary: JsonObject = {
    id: schema.id,
    next_url: null,
    type: schema.type,
    [schema.type]: {},
  };
  if (schema.type === 'rollup') summary.rollup = value;
  if (hasMore) {
    summary.next_url = `${ws.baseUrl}/v1/pages/${page.id}/properties/${schema.id}?start_cursor=${encodeCursor(start + pageSize, String(start + pageSize))}`;
  }
  const render = (item: JsonValue) => {
    if (schema.type === 'people' && isObject(item))
      return propertyItem(schema, 'people', renderUser(ws, String(item.id)));
    return propertyItem(schema, schema.type, item);
  };
  return {
    object: 'list',
    results: slice.map(render),
    next_cursor: hasMore ? encodeCursor(start + pageSize, String(start + pageSize)) : null,
    has_more: hasMore,
    type: 'property_item',
    property_item: summary,
  };
}

function retrievePageRoute(request: ApiRequest): JsonObject {
  const page: PageRecord = request.ws.page(pathId(request, 'page_id'), request.actor);
  return renderPage(request.ws, page, request.version, {
    filterProperties: filterProperties(request),
  });
}

export const pageRoutes: Route[] = [
  { method: 'POST', template: '/v1/pages', handler: createPageRoute },
  { method: 'GET', template: '/v1/pages/{page_id}', handler: retrievePageRoute },
  { method: 'PATCH', template: '/v1/pages/{page_id}', handler: updatePageRoute },
  { method: 'POST', template: '/v1/pages/{page_id}/move', handler: movePageRoute },
  {
    method: 'GET',
    template: '/v1/pages/{page_id}/properties/{property_id}',
    handler: propertyItemRoute,
  },
];
