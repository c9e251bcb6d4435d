import { bodyValidationError, NotionApiError, validationError } from '../errors.ts';
import { newId, normalizeId } from '../ids.ts';
import { renderComment } from '../render.ts';
import { isObject, parseRichText, textToRichText } from '../rich-text.ts';
import { type ApiRequest, listResponse, pageSizeOf, pathId, type Route } from '../router.ts';
import type { CommentRecord, JsonObject, JsonValue, ParentRef } from '../state.ts';

function commentParent(request: ApiRequest): {
  parent: ParentRef & { id: string };
  discussionId: string;
} {
  const { ws, actor, body } = request;
  if (body.discussion_id !== undefined) {
    const discussionId = normalizeId(body.discussion_id);
    const first = Object.values(ws.state.comments).find((c) => c.discussionId === discussionId);
    if (!discussionId || !first || first.parent.type === 'workspace')
      throw validationError(`Could not find discussion with ID: ${String(body.discussion_id)}.`);
    ws.anyBlock(first.parent.id, actor);
    return { parent: first.parent as ParentRef & { id: string }, discussionId };
  }
  const parent = isObject(body.parent) ? body.parent : undefined;
  const pageId = normalizeId(parent?.page_id);
  const blockId = normalizeId(parent?.block_id);
  if (pageId) {
    ws.page(pageId, actor);
    return { parent: { type: 'page_id', id: pageId }, discussionId: newId() };
  }
  if (blockId) {
    ws.anyBlock(blockId, actor);
    return { parent: { type: 'block_id', id: blockId }, discussionId: newId() };
  }
  throw bodyValidationError(
    'body.parent',
    'should define page_id or block_id, or give discussion_id',
  );
}

function createCommentRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const { parent, discussionId } = commentParent(request);
  let richText: JsonValue[];
  if (body.rich_text !== undefined)
    richText = parseRichText(body.rich_text, 'body.rich_text', ws.resolver);
  else if (typeof body.markdown === 'string') richText = textToRichText(body.markdown);
  else throw bodyValidationError('body.rich_text', 'should be defined, instead was `undefined`');
  const now = ws.now();
  const comment: CommentRecord = {
    id: newId(),
    parent,
    discussionId,
    createdTime: now,
    lastEditedTime: now,
    createdBy: actor.id,
    richText,
    displayName: { type: 'integration', resolved_name: actor.name },
  };
  ws.state.comments[comment.id] = comment;
  return renderComment(ws, comment);
}

function listCommentsRoute(request: ApiRequest): JsonObject {
  const { ws, actor } = request;
  const raw = request.query.get('block_id');
  const blockId = normalizeId(raw);
  if (!blockId)
    throw validationError(
      `query failed validation: query.block_id should be a valid uuid, instead was \`${JSON.stringify(raw)}\`.`,
    );
  ws.anyBlock(blockId, actor);
  const comments = Object.values(ws.state.comments).filter(
    (c) => c.parent.type !== 'workspace' && c.parent.id === blockId,
  );
  return listResponse(
    comments,
    (c) => c.id,
    (c) => renderComment(ws, c),
    {
      cursor: request.query.get('start_cursor') ?? undefined,
      pageSize: pageSizeOf(request.query.get('page_size') ?? undefined, 'query.page_size'),
      type: 'comment',
    },
  );
}

function visibleComment(request: ApiRequest): CommentRecord {
  const { ws, actor } = request;
  const id = pathId(request, 'comment_id');
  const comment = ws.state.comments[id];
  if (
    !comment ||
    comment.parent.type === 'workspace' ||
    !ws.isVisible(comment.parent.id, actor.id)
  ) {
    return ws.notFound('comment', id, actor);
  }
  return comment;
}

function updateCommentRoute(request: ApiRequest): JsonObject {
  const { ws, actor, body } = request;
  const comment = visibleComment(request);
  if (comment.createdBy !== actor.id) {
    throw new NotionApiError(
      403,
      'restricted_resource',
      'Integrations can only edit their own comments.',
    );
  }
  if (body.rich_text !== undefined)
    comment.richText = parseRichText(body.rich_text, 'body.rich_text', ws.resolver);
  else if (typeof body.markdown === 'string') comment.richText = textToRichText(body.markdown);
  else throw bodyValidationError('body.rich_text', 'should be defined, instead was `undefined`');
  comment.lastEditedTime = ws.now();
  return renderComment(ws, comment);
}

function deleteCommentRoute(request: ApiRequest): JsonObject {
  const comment = visibleComment(request);
  if (comment.createdBy !== request.actor.id) {
    throw new NotionApiError(
      403,
      'restricted_resource',
      'Integrations can only delete their own comments.',
    );
  }
  delete request.ws.state.comments[comment.id];
  return renderComment(request.ws, comment);
}

export const commentRoutes: Route[] = [
  { method: 'POST', template: '/v1/comments', handler: createCommentRoute },
  { method: 'GET', template: '/v1/comments', handler: listCommentsRoute },
  {
    method: 'GET',
    template: '/v1/comments/{comment_id}',
    handler: (r) => renderComment(r.ws, visibleComment(r)),
  },
  { method: 'PATCH', template: '/v1/comments/{comment_id}', handler: updateCommentRoute },
  { method: 'DELETE', template: '/v1/comments/{comment_id}', handler: deleteCommentRoute },
  {
    method: 'GET',
    template: '/v1/custom_emojis',
    handler: () => ({
      object: 'list',
      type: 'custom_emoji',
      results: [],
      has_more: false,
      next_cursor: null,
    }),
  },
];
