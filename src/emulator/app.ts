import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { errorForStatus, invalidRequestUrl, NotionApiError, validationError } from './errors.ts';
import type { FaultInjector } from './faults.ts';
import type { RateLimiter } from './rate-limiter.ts';
import {
  type ApiHandler,
  type ApiRequest,
  createRouter,
  displayTemplate,
  type Route,
} from './router.ts';
import {
  type IntegrationRecord,
  type JsonObject,
  NOTION_VERSIONS,
  type NotionVersion,
} from './state.ts';
import type { EventAuthor } from './webhooks/events.ts';
import type { Workspace } from './workspace.ts';

/** Header on an internal response meaning "drop the connection" (never reaches a client). */
export const RESET_MARKER = 'x-notion-emulator-reset';
export const MAX_BODY_BYTES = 500 * 1024;
/** The request log keeps the newest entries only (a long-running standalone emulator). */
export const MAX_LOG_ENTRIES = 100_000;

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Route template such as `POST /v1/data_sources/{id}/query`; null when no route matched. */
  route: string | null;
  status: number;
  durationMs: number;
  integrationId: string | null;
  /** ISO time on the emulator's clock. */
  time: string;
  requestId: string;
  /** The `type` a JSON body names, when it names one (e.g. a Markdown edit's `update_content`). */
  bodyType?: string;
}

export interface ApiAppOptions {
  ws: Workspace;
  routes: readonly Route[];
  rateLimiter: () => RateLimiter | undefined;
  faults: FaultInjector;
  log: RequestLogEntry[];
  latencyMs: number;
  control: Hono;
  /** `/v1/oauth/*` (consent page, token, introspect, revoke). */
  oauth: Hono;
  /** Runs a write and publishes the webhook events it caused. */
  observe: <T>(author: EventAuthor, write: () => T) => T;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function errorResponse(error: NotionApiError, requestId: string): Response {
  return new Response(JSON.stringify(error.toBody(requestId)), {
    status: error.status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-notion-request-id': requestId,
      ...error.headers,
    },
  });
}

function resetResponse(): Response {
  return new Response(null, { status: 599, headers: { [RESET_MARKER]: '1' } });
}

/** 502 comes from Notion's edge proxy as HTML, without a request id. */
function badGatewayResponse(): Response {
  return new Response(
    '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>',
    {
      status: 502,
      headers: { 'content-type': 'text/html', 'cf-ray': `${randomUUID().slice(0, 16)}-EMU` },
    },
  );
}

async function readBody(request: Request, method: string): Promise<Record<string, unknown>> {
  if (method === 'GET' || method === 'DELETE') return {};
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw validationError(
      `Request body too large: ${Buffer.byteLength(text)} bytes exceeds the limit of ${MAX_BODY_BYTES} bytes.`,
    );
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new NotionApiError(400, 'invalid_json', 'Error parsing JSON body.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw validationError('body failed validation: body should be an object.');
  }
  return parsed as Record<string, unknown>;
}

/** multipart/form-data (file upload parts): `file` becomes `{ base64, filename, contentType }`. */
/**
 * multipart/form-data (file upload parts): `file` becomes `{ base64, filename, contentType }`.
 * Bodies with bare LF line breaks (some recorders normalise CRLF) are read leniently.
 */
async function readForm(request: Request): Promise<Record<string, unknown>> {
  const contentType = request.headers.get('content-type') ?? '';
  const boundary = /boundary=("?)([^";]+)\1/i.exec(contentType)?.[2];
  const bytes = Buffer.from(await request.arrayBuffer());
  if (!boundary)
    throw validationError(
      'body failed validation: expected a multipart/form-data body with a `file` field.',
    );
  const body: Record<string, unknown> = {};
  const text = bytes.toString('latin1');
  for (const chunk of text.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith('--')) break;
    const part = chunk.replace(/^\r?\n/, '');
    const split = /\r?\n\r?\n/.exec(part);
    if (!split) continue;
    const headers = part.slice(0, split.index);
    const content = part.slice(split.index + split[0].length).replace(/\r?\n$/, '');
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (!name) continue;
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
    const raw = Buffer.from(content, 'latin1');
    body[name] =
      filename === undefined && type === undefined
        ? raw.toString('utf8')
        : { base64: raw.toString('base64'), filename: filename || null, contentType: type ?? null };
  }
  return body;
}

function versionOf(header: string | null): NotionVersion {
  if (header === null || header === '') {
    throw new NotionApiError(
      400,
      'missing_version',
      'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.',
    );
  }
  if (!(NOTION_VERSIONS as readonly string[]).includes(header)) {
    throw validationError(
      `Notion-Version header failed validation: the emulator implements ${NOTION_VERSIONS.join(' and ')}, instead was \`"${header}"\`.`,
    );
  }
  return header as NotionVersion;
}

function authenticate(ws: Workspace, header: string | undefined): IntegrationRecord {
  const token = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
  const actor = token ? ws.integrationByToken(token) : undefined;
  if (!actor) throw new NotionApiError(401, 'unauthorized', 'API token is invalid.');
  return actor;
}

function enforceRateLimit(limiter: RateLimiter | undefined, integrationId: string): void {
  const decision = limiter?.take(integrationId);
  if (!decision || decision.ok) return;
  throw new NotionApiError(
    429,
    'rate_limited',
    "You've exceeded the number of requests allowed. Slow down and try again.",
    {
      additionalData: { rate_limit_reason: decision.reason },
      headers: { 'retry-after': String(decision.retryAfterSeconds) },
    },
  );
}

function successResponse(
  result: ReturnType<ApiHandler>,
  route: Route,
  requestId: string,
): Response {
  const answered = 'status' in result && typeof result.status === 'number' && 'body' in result;
  const status = answered ? (result.status as number) : 200;
  const body = (answered ? result.body : result) as JsonObject;
  return new Response(JSON.stringify(route.bareBody ? body : { ...body, request_id: requestId }), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-notion-request-id': requestId,
    },
  });
}

function unexpected(error: unknown): NotionApiError {
  const detail = error instanceof Error ? error.message : String(error);
  return new NotionApiError(500, 'internal_server_error', `Unexpected error occurred: ${detail}`);
}

/**
 * One API request: version, token, route, rate limit, faults before, body, handler, faults
 * after. Errors become Notion's error body; "reset" becomes the internal drop marker.
 */
async function answer(
  options: ApiAppOptions,
  router: ReturnType<typeof createRouter>,
  raw: Request,
  entry: RequestLogEntry,
): Promise<Response> {
  const url = new URL(raw.url);
  const method = entry.method;
  if (options.latencyMs > 0) await delay(options.latencyMs);
  const version = versionOf(raw.headers.get('notion-version'));
  const actor = authenticate(options.ws, raw.headers.get('authorization') ?? undefined);
  entry.integrationId = actor.id;
  const match = router.match(method, url.pathname, version);
  if (!match) throw invalidRequestUrl();
  const template = displayTemplate(match.route.template);
  entry.route = `${method} ${template}`;
  enforceRateLimit(options.rateLimiter(), actor.id);
  const fault = options.faults.decide(method, url.pathname, template);
  if (fault.latencyMs > 0) await delay(fault.latencyMs);
  if (fault.before && 'reset' in fault.before) return resetResponse();
  if (fault.before?.status === 502) return badGatewayResponse();
  if (fault.before) throw errorForStatus(fault.before.status);
  const request: ApiRequest = {
    ws: options.ws,
    actor,
    version,
    method,
    params: match.params,
    query: url.searchParams,
    body: match.route.multipart ? await readForm(raw) : await readBody(raw, method),
  };
  if (typeof request.body.type === 'string') entry.bodyType = request.body.type;
  const writes = method !== 'GET' && !match.route.readOnly;
  if (writes) options.ws.touch();
  const run = () => match.route.handler(request);
  const result = writes ? options.observe({ id: actor.id, type: 'bot' }, run) : run();
  if (fault.after === 'reset') return resetResponse();
  if (fault.after === 504) throw errorForStatus(504);
  return successResponse(result, match.route, entry.requestId);
}

/** The Hono app: `/v1/*` is the Notion API, `/__emulator/*` the control API. */
export function createApiApp(options: ApiAppOptions): Hono {
  const router = createRouter(options.routes);
  const app = new Hono();
  app.route('/__emulator', options.control);
  app.route('/v1/oauth', options.oauth);
  app.all('*', async (c) => {
    const started = performance.now();
    const entry: RequestLogEntry = {
      method: c.req.method.toUpperCase(),
      path: new URL(c.req.url).pathname,
      route: null,
      status: 0,
      durationMs: 0,
      integrationId: null,
      time: new Date(options.ws.now()).toISOString(),
      requestId: randomUUID(),
    };
    let response: Response;
    try {
      response = await answer(options, router, c.req.raw, entry);
    } catch (error) {
      const notionError = error instanceof NotionApiError ? error : unexpected(error);
      response = errorResponse(notionError, entry.requestId);
    }
    entry.status = response.headers.get(RESET_MARKER) ? 0 : response.status;
    entry.durationMs = Math.round((performance.now() - started) * 100) / 100;
    options.log.push(entry);
    if (options.log.length > MAX_LOG_ENTRIES)
      options.log.splice(0, options.log.length - MAX_LOG_ENTRIES);
    return response;
  });
  return app;
}
