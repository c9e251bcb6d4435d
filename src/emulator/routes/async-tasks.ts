import { randomUUID } from 'node:crypto';
import type { ApiRequest, Route } from '../router.ts';
import type { JsonObject } from '../state.ts';
import type { Workspace } from '../workspace.ts';

const statusUrl = (id: string) => `https://api.notion.com/v1/async_tasks/${id}`;

/**
 * Records an `allow_async` operation. The emulator applies the work at once, so the task answers
 * `queued` when created (as Notion does) and `succeeded` with the result when polled.
 */
export function startAsyncTask(ws: Workspace, operation: string, result: JsonObject): JsonObject {
  const id = `task_${randomUUID().replaceAll('-', '')}`;
  const createdTime = new Date(ws.now()).toISOString();
  const common = { object: 'async_task', id, status_url: statusUrl(id), created_time: createdTime };
  ws.tasks.set(id, {
    ...common,
    status: 'succeeded',
    operation: { surface: 'rest', name: operation },
    result,
  });
  return {
    object: 'async_task',
    id,
    status: 'queued',
    status_url: statusUrl(id),
    created_time: createdTime,
    poll_after_seconds: 2,
    operation: { surface: 'rest', name: operation },
  };
}

function retrieveTaskRoute(request: ApiRequest): JsonObject {
  const id = request.params.task_id ?? '';
  const task = request.ws.tasks.get(id);
  if (!task) return request.ws.notFound('async_task', id, request.actor);
  return {
    object: 'async_task',
    id: task.id ?? id,
    status: task.status ?? 'succeeded',
    status_url: task.status_url ?? statusUrl(id),
    created_time: task.created_time ?? null,
    operation: task.operation ?? null,
    result: task.result ?? null,
  };
}

export const asyncTaskRoutes: Route[] = [
  { method: 'GET', template: '/v1/async_tasks/{task_id}', handler: retrieveTaskRoute },
];
