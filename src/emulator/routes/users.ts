import { renderFullUser } from '../render.ts';
import { type ApiRequest, listResponse, pageSizeOf, pathId, type Route } from '../router.ts';
import type { JsonObject } from '../state.ts';

function listUsersRoute(request: ApiRequest): JsonObject {
  const { ws } = request;
  const users = Object.values(ws.state.users);
  return listResponse(
    users,
    (u) => u.id,
    (u) => renderFullUser(ws, u),
    {
      cursor: request.query.get('start_cursor') ?? undefined,
      pageSize: pageSizeOf(request.query.get('page_size') ?? undefined, 'query.page_size'),
      type: 'user',
    },
  );
}

function retrieveUserRoute(request: ApiRequest): JsonObject {
  const id = pathId(request, 'user_id');
  const user = request.ws.state.users[id];
  if (!user) request.ws.notFound('user', id, request.actor);
  return renderFullUser(request.ws, user);
}

function meRoute(request: ApiRequest): JsonObject {
  const bot = request.ws.state.users[request.actor.id];
  if (!bot) request.ws.notFound('user', request.actor.id, request.actor);
  return renderFullUser(request.ws, bot);
}

export const userRoutes: Route[] = [
  { method: 'GET', template: '/v1/users', handler: listUsersRoute },
  { method: 'GET', template: '/v1/users/me', handler: meRoute },
  { method: 'GET', template: '/v1/users/{user_id}', handler: retrieveUserRoute },
];
