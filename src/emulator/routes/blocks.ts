import { parseBlockArray, parseBlockUpdate } from '../block-input.ts';
import { bodyValidationError, validationError } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import { assertNotInTrash } from '../page-writes.ts';
import { renderBlock } from '../render.ts';
import { isObject, parseRichText } from '../rich-text.ts';
import { type ApiRequest, listResponse, pageSizeOf, pathId, type Route } from '../router.ts';
import type { BlockRecord, JsonObject, PageRecord } from '../state.ts';
import type { FoundObject } from '../workspace.ts';
import { insertDrafts } from './block-tree.ts';

function setTrash(request: ApiRequest, found: FoundObject, inTrash: boolean): void {
  if (found.kind === 'data_source') return;
  const record = found.record;
  record.inTrash = inTrash;
  record.lastEditedTime = request.ws.now();
  if ('lastEditedBy' in record) record.lastEditedBy = request.actor.id;
}

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

function updateBlockRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const found = ws.anyBlock(pathId(request, 'block_id'), actor);
  const trash = trashValue(request);
  if (found.kind === 'block') {
    const block = found.record;
    if (body[block.type] !== undefined) {
      if (block.inTrash && trash !== false) assertNotInTrash(block, 'block');
      block.content = parseBlockUpdate(
        block.type,
        body[block.type],
        `body.${block.type}`,
        ws.resolver,
        block.content,
      );
      block.lastEditedTime = ws.now();
      block.lastEditedBy = actor.id;
    }
    const otherType = Object.keys(body).find(
      (k) => k !== block.type && k !== 'in_trash' && k !== 'archived' && k !== 'type',
    );
    if (otherType)
      throw validationError(`Block type ${block.type} cannot be changed to ${otherType}.`);
  } else if (
    found.kind === 'page' &&
    isObject(body.child_page) &&
    body.child_page.title !== undefined
  ) {
    found.record.properties.title = parseRichText(
      [{ text: { content: String(body.child_page.title) } }],
      'body.child_page.title',
      ws.resolver,
    );
  }
  if (trash !== undefined) setTrash(request, found, trash);
  return renderBlock(ws, found, request.version);
}

function deleteBlockRoute(request: ApiRequest): JsonObject {
  const found = request.ws.anyBlock(pathId(request, 'block_id'), request.actor);
  setTrash(request, found, true);
  return renderBlock(request.ws, found, request.version);
}

function containerOf(request: ApiRequest): PageRecord | BlockRecord {
  const found = request.ws.anyBlock(pathId(request, 'block_id'), request.actor);
  if (found.kind === 'database')
    throw validationError('Databases have no block children; query their data sources instead.');
  return found.record as PageRecord | BlockRecord;
}

function listChildrenRoute(request: ApiRequest): JsonObject {
  const { ws } = request;
  const container = containerOf(request);
  const children = container.childIds.flatMap((id) => {
    const found = ws.findObject(id);
    return found && found.kind !== 'data_source' && !found.record.inTrash ? [found] : [];
  });
  return listResponse(
    children,
    (f) => f.record.id,
    (f) => renderBlock(ws, f, request.version),
    {
      cursor: request.query.get('start_cursor') ?? undefined,
      pageSize: pageSizeOf(request.query.get('page_size') ?? undefined, 'query.page_size'),
      type: 'block',
    },
  );
}

function afterIndex(container: PageRecord | BlockRecord, value: unknown): number {
  const after = normalizeId(value);
  const index = after ? container.childIds.indexOf(after) : -1;
  if (index < 0) throw validationError(`Block ${String(value)} is not a child of ${container.id}.`);
  return index + 1;
}

/**
 * `position` exists in both versions (the SDK sent it before 2026-03-11); only the flat
 * `after` is gone in 2026-03-11. Both at once is ambiguous.
 */
function insertionIndex(request: ApiRequest, container: PageRecord | BlockRecord): number {
  const { body } = request;
  if (body.after !== undefined && request.version !== '2025-09-03')
    throw bodyValidationError(
      'body.after',
      'should be not present with Notion-Version 2026-03-11 (use position)',
    );
  if (body.after !== undefined && body.position !== undefined)
    throw validationError('body failed validation: give either `after` or `position`, not both.');
  if (body.after !== undefined) return afterIndex(container, body.after);
  const position = body.position;
  if (position === undefined || (isObject(position) && position.type === 'end'))
    return container.childIds.length;
  if (isObject(position) && position.type === 'start') return 0;
  if (isObject(position) && position.type === 'after_block' && isObject(position.after_block))
    return afterIndex(container, position.after_block.id);
  throw bodyValidationError(
    'body.position',
    'should be {type:"start"}, {type:"end"} or {type:"after_block", after_block:{id}}',
  );
}

function appendChildrenRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const container = containerOf(request);
  assertNotInTrash(container, 'block');
  const drafts = parseBlockArray(body.children, 'body.children', ws.resolver);
  const at = insertionIndex(request, container);
  const ids = insertDrafts(ws, container, drafts, actor.id, at);
  const results = ids.map((id) =>
    renderBlock(ws, { kind: 'block', record: ws.state.blocks[id]! }, request.version),
  );
  return { object: 'list', results, next_cursor: null, has_more: false, type: 'block', block: {} };
}

export const blockRoutes: Route[] = [
  {
    method: 'GET',
    template: '/v1/blocks/{block_id}',
    handler: (r) => renderBlock(r.ws, r.ws.anyBlock(pathId(r, 'block_id'), r.actor), r.version),
  },
  { method: 'PATCH', template: '/v1/blocks/{block_id}', handler: updateBlockRoute },
  { method: 'DELETE', template: '/v1/blocks/{block_id}', handler: deleteBlockRoute },
  { method: 'GET', template: '/v1/blocks/{block_id}/children', handler: listChildrenRoute },
  { method: 'PATCH', template: '/v1/blocks/{block_id}/children', handler: appendChildrenRoute },
];
