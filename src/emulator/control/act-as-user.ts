import { randomUUID } from 'node:crypto';
import { invalidRequestUrl, NotionApiError } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import { createRouter, type Route } from '../router.ts';
import {
  type IntegrationRecord,
  type JsonObject,
  NOTION_VERSIONS,
  type NotionVersion,
} from '../state.ts';
import type { EventAuthor } from '../webhooks/events.ts';
import type { Workspace } from '../workspace.ts';

export interface ActAsUserInput {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** An API path such as `/v1/pages/{id}` (query string allowed). */
  path: string;
  body?: Record<string, unknown>;
  /** A person of the workspace (default: the first one). */
  userId?: string;
  notionVersion?: NotionVersion;
}

export interface ActAsUserResult {
  status: number;
  body: JsonObject;
}

/**
 * Runs an API route as a Notion person would act in the app: the same validation and effects,
 * `last_edited_by` that person, every object visible, webhook events authored by a person.
 */
export function createActAsUser(
  ws: Workspace,
  routes: readonly Route[],
  observe: <T>(author: EventAuthor, write: () => T) => T,
) {
  const router = createRouter(routes);
  return (input: ActAsUserInput): ActAsUserResult => {
    const persons = Object.values(ws.state.users).filter((u) => u.type === 'person');
    const user =
      input.userId === undefined
        ? persons[0]
        : persons.find((u) => u.id === normalizeId(input.userId));
    if (!user) throw new Error(`no person ${input.userId ?? '(the workspace has none)'}`);
    const version = input.notionVersion ?? '2026-03-11';
    if (!NOTION_VERSIONS.includes(version))
      throw new Error(`notionVersion must be ${NOTION_VERSIONS.join(' or ')}`);
    const url = new URL(input.path, 'http://emulator');
    const method = input.method.toUpperCase();
    const requestId = randomUUID();
    try {
      const match = router.match(method, url.pathname, version);
      if (!match) throw invalidRequestUrl();
      const actor: IntegrationRecord = { id: user.id, name: user.name ?? 'user', tokens: [] };
      const run = () =>
        match.route.handler({
          ws,
          actor,
          version,
          method,
          params: match.params,
          query: url.searchParams,
          body: input.body ?? {},
        });
      const result = method === 'GET' ? run() : observe({ id: user.id, type: 'person' }, run);
      ws.touch();
      if ('status' in result && typeof result.status === 'number' && 'body' in result)
        return { status: result.status, body: result.body as JsonObject };
      return { status: 200, body: result as JsonObject };
    } catch (error) {
      if (error instanceof NotionApiError)
        return { status: error.status, body: error.toBody(requestId) };
      throw error;
    }
  };
}
