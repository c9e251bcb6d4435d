import { bodyValidationError, validationError } from '../errors.ts';
import { newId, normalizeId } from '../ids.ts';
import { detachFromParent } from '../page-writes.ts';
import { renderDatabase, renderDataSource } from '../render.ts';
import { isObject, parseRichText } from '../rich-text.ts';
import { type ApiRequest, pathId, type Route } from '../router.ts';
import { applySchemaChanges } from '../schema-writes.ts';
import type {
  DatabaseRecord,
  DataSourceRecord,
  IntegrationRecord,
  JsonObject,
  JsonValue,
  ParentRef,
} from '../state.ts';
import type { Workspace } from '../workspace.ts';
import { createDefaultView } from './views.ts';

function trashValue(request: ApiRequest): boolean | undefined {
  const { body } = request;
  if (body.archived !== undefined && request.version !== '2025-09-03') {
    throw bodyValidationError(
      'body.archived',
      'should be not present (use in_trash with Notion-Version 2026-03-11)',
    );
  }
  const value = body.in_trash ?? body.archived;
  if (value !== undefined && typeof value !== 'boolean')
    throw bodyValidationError('body.in_trash', 'should be a boolean');
  return value as boolean | undefined;
}

function containerParent(
  ws: Workspace,
  actor: IntegrationRecord,
  parent: unknown,
): ParentRef & { id: string } {
  if (!isObject(parent))
    throw bodyValidationError('body.parent', 'should be defined, instead was `undefined`');
  if (parent.page_id !== undefined) {
    const id = normalizeId(parent.page_id);
    if (!id) throw bodyValidationError('body.parent.page_id', 'should be a valid uuid');
    ws.page(id, actor);
    return { type: 'page_id', id };
  }
  if (parent.block_id !== undefined) {
    const id = normalizeId(parent.block_id);
    if (!id) throw bodyValidationError('body.parent.block_id', 'should be a valid uuid');
    ws.anyBlock(id, actor);
    return { type: 'block_id', id };
  }
  if (parent.workspace === true)
    throw validationError(
      'Internal integrations cannot create workspace-level databases; use parent.page_id.',
    );
  throw bodyValidationError('body.parent', 'should define page_id');
}

/** A data source record (not yet stored) with the request's schema applied. */
export function buildDataSource(
  ws: Workspace,
  actor: IntegrationRecord,
  databaseId: string,
  title: JsonValue[],
  properties: unknown,
  icon: JsonValue,
): DataSourceRecord {
  const now = ws.now();
  const ds: DataSourceRecord = {
    id: newId(),
    databaseId,
    title,
    description: [],
    icon,
    cover: null,
    propertyOrder: [],
    properties: {},
    createdTime: now,
    lastEditedTime: now,
    createdBy: actor.id,
    lastEditedBy: actor.id,
    inTrash: false,
    rowIds: [],
    counters: {},
  };
  applySchemaChanges(ws, actor, ds, properties, true);
  return ds;
}

function createDatabaseRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const parent = containerParent(ws, actor, body.parent);
  const title = parseRichText(body.title ?? [], 'body.title', ws.resolver);
  const description = parseRichText(body.description ?? [], 'body.description', ws.resolver);
  if (body.properties !== undefined) {
    throw validationError(
      'body.properties is not supported with Notion-Version 2025-09-03 and later; use initial_data_source.properties.',
    );
  }
  const initial = isObject(body.initial_data_source) ? body.initial_data_source : {};
  const properties = initial.properties ?? { Name: { title: {} } };
  const now = ws.now();
  const db: DatabaseRecord = {
    id: newId(),
    parent,
    title,
    description,
    isInline: body.is_inline === true,
    inTrash: false,
    isLocked: false,
    createdTime: now,
    lastEditedTime: now,
    createdBy: actor.id,
    dataSourceIds: [],
    icon: (body.icon ?? null) as JsonValue,
    cover: (body.cover ?? null) as JsonValue,
  };
  const ds = buildDataSource(ws, actor, db.id, title, properties, null);
  db.dataSourceIds.push(ds.id);
  ws.state.databases[db.id] = db;
  ws.state.dataSources[ds.id] = ds;
  createDefaultView(ws, db.id, ds.id, actor.id);
  ws.childIdsOf(parent.id)?.push(db.id);
  return renderDatabase(ws, db, request.version);
}

function updateDatabaseRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const db = ws.database(pathId(request, 'database_id'), actor);
  if (body.properties !== undefined) {
    throw validationError(
      'body.properties is not supported on databases with Notion-Version 2025-09-03 and later; update the data source instead.',
    );
  }
  const trash = trashValue(request);
  if (body.title !== undefined) db.title = parseRichText(body.title, 'body.title', ws.resolver);
  if (body.description !== undefined)
    db.description = parseRichText(body.description, 'body.description', ws.resolver);
  if (typeof body.is_inline === 'boolean') db.isInline = body.is_inline;
  if (typeof body.is_locked === 'boolean') db.isLocked = body.is_locked;
  if (body.icon !== undefined) db.icon = body.icon as JsonValue;
  if (body.cover !== undefined) db.cover = body.cover as JsonValue;
  if (body.parent !== undefined) {
    const parent = containerParent(ws, actor, body.parent);
    detachFromParent(ws, db.id, db.parent);
    db.parent = parent;
    ws.childIdsOf(parent.id)?.push(db.id);
  }
  if (trash !== undefined) db.inTrash = trash;
  db.lastEditedTime = ws.now();
  return renderDatabase(ws, db, request.version);
}

function createDataSourceRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const parent = isObject(body.parent) ? body.parent : {};
  const dbId = normalizeId(parent.database_id);
  if (!dbId) throw bodyValidationError('body.parent.database_id', 'should be a valid uuid');
  const db = ws.database(dbId, actor);
  if (body.properties === undefined)
    throw bodyValidationError('body.properties', 'should be defined, instead was `undefined`');
  const title = parseRichText(body.title ?? [], 'body.title', ws.resolver);
  const ds = buildDataSource(
    ws,
    actor,
    db.id,
    title,
    body.properties,
    (body.icon ?? null) as JsonValue,
  );
  ws.state.dataSources[ds.id] = ds;
  db.dataSourceIds.push(ds.id);
  return renderDataSource(ws, ds, request.version);
}

export const databaseRoutes: Route[] = [
  { method: 'POST', template: '/v1/databases', handler: createDatabaseRoute },
  {
    method: 'GET',
    template: '/v1/databases/{database_id}',
    handler: (r) =>
      renderDatabase(r.ws, r.ws.database(pathId(r, 'database_id'), r.actor), r.version),
  },
  { method: 'PATCH', template: '/v1/databases/{database_id}', handler: updateDatabaseRoute },
  { method: 'POST', template: '/v1/data_sources', handler: createDataSourceRoute },
];
