import { bodyValidationError, validationError } from './errors.ts';
import { normalizeId } from './ids.ts';
import type { IntegrationRecord, JsonObject, NotionVersion } from './state.ts';
import type { Workspace } from './workspace.ts';

export interface ApiRequest {
  ws: Workspace;
  actor: IntegrationRecord;
  version: NotionVersion;
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

export type ApiHandler = (request: ApiRequest) => JsonObject | { status: number; body: JsonObject };

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** `/v1/pages/{page_id}`; a literal segment wins over a parameter. */
  template: string;
  handler: ApiHandler;
  /** Versions the route exists in (all when absent). */
  versions?: readonly NotionVersion[];
  /** POST routes that only read (query, search). */
  readOnly?: boolean;
  /** The body is multipart/form-data (file upload parts), not JSON. */
  multipart?: boolean;
  /** Answer without a top-level `request_id` (as recorded for the templates list). */
  bareBody?: boolean;
}

/**
 * The template as logs and fault rules show it: object ids as `{id}`
 * (`POST /v1/data_sources/{id}/query`), other parameters keep their names.
 */
export function displayTemplate(template: string): string {
  return template.replace(
    /\{(?:page|block|database|data_source|user|comment|task|file_upload|view)_id\}/g,
    '{id}',
  );
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Matches a path against route templates; literal segments take precedence. */
export function createRouter(routes: readonly Route[]) {
  const compiled = routes.map((route) => ({
    route,
    segments: route.template.split('/').filter(Boolean),
  }));
  compiled.sort((a, b) => {
    const literals = (s: string[]) => s.filter((x) => !x.startsWith('{')).length;
    return literals(b.segments) - literals(a.segments);
  });
  return {
    match(method: string, path: string, version: NotionVersion): RouteMatch | undefined {
      const parts = path.split('/').filter(Boolean);
      for (const { route, segments } of compiled) {
        if (route.method !== method || segments.length !== parts.length) continue;
        if (route.versions && !route.versions.includes(version)) continue;
        const params: Record<string, string> = {};
        const ok = segments.every((segment, i) => {
          const part = parts[i] ?? '';
          if (segment.startsWith('{')) {
            params[segment.slice(1, -1)] = decodeURIComponent(part);
            return true;
          }
          return segment === part;
        });
        if (ok) return { route, params };
      }
      return undefined;
    },
  };
}

/** A path id in dashed form, or Notion's `path failed validation` error. */
export function pathId(request: ApiRequest, name: string): string {
  const raw = request.params[name] ?? '';
  const id = normalizeId(raw);
  if (!id) {
    throw validationError(
      `path failed validation: path.${name} should be a valid uuid, instead was \`${JSON.stringify(raw)}\`.`,
    );
  }
  return id;
}

/** A required id inside the body (`parent.page_id`, …). */
export function bodyId(value: unknown, path: string): string {
  const id = normalizeId(value);
  if (!id)
    throw bodyValidationError(
      path,
      `should be a valid uuid, instead was \`${JSON.stringify(value ?? null)}\``,
    );
  return id;
}

export function pageSizeOf(value: unknown, path: string): number {
  if (value === undefined || value === null) return 100;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100) {
    throw validationError(
      `${path} should be a number between 1 and 100, instead was \`${JSON.stringify(value)}\`.`,
    );
  }
  return n;
}

/** Opaque cursors: the next item's id and its index, base64url-encoded. */
export function encodeCursor(index: number, id: string): string {
  return Buffer.from(JSON.stringify([index, id])).toString('base64url');
}

export function decodeCursor(
  cursor: unknown,
  ids: readonly string[],
  indexOf?: (id: string) => number | undefined,
): number {
  if (cursor === undefined || cursor === null) return 0;
  // Some list endpoints (file uploads) hand out object ids as cursors.
  const asId = indexOf ? indexOf(String(cursor)) : ids.indexOf(String(cursor));
  if (asId !== undefined && asId >= 0) return asId;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(String(cursor), 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'number' && typeof parsed[1] === 'string') {
      const found = indexOf ? indexOf(parsed[1]) : ids.indexOf(parsed[1]);
      if (found !== undefined && found >= 0) return found;
      return Math.min(parsed[0], ids.length);
    }
  } catch {
    // falls through to the validation error below
  }
  throw validationError(`start_cursor provided is invalid: ${String(cursor)}`);
}

/** A `list` response over `ids`, paginated. */
export function listResponse<T>(
  items: readonly T[],
  idOf: (item: T) => string,
  render: (item: T) => JsonObject,
  options: { cursor: unknown; pageSize: number; type: string },
): JsonObject {
  const ids = items.map(idOf);
  const start = decodeCursor(options.cursor, ids);
  const end = start + options.pageSize;
  const page = items.slice(start, end);
  const next = items[end];
  return {
    object: 'list',
    results: page.map(render),
    next_cursor: next === undefined ? null : encodeCursor(end, idOf(next)),
    has_more: next !== undefined,
    type: options.type,
    [options.type]: {},
  };
}
