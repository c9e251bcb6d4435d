import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { errorForStatus, invalidRequestUrl, NotionApiError, validationError } from './errors.ts';
import type { FaultInjector } from './faults.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { type ApiRequest, createRouter, displayTemplate, type Route } from './router.ts';
import { type JsonObject, NOTION_VERSIONS, type NotionVersion } from './state.ts';
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
}

export interface ApiAppOptions {
  ws: Workspace;
  routes: readonly Route[];
  rateLimiter: () => RateLimiter | undefined;
  faults: FaultInjector;
  log: RequestLogEntry[];
  latencyMs: number;
  control: Hono;
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
async function readForm(request: Request): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw validationError(
      'body failed validation: expected a multipart/form-data body with a `file` field.',
    );
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string') body[key] = value;
    else {
      const bytes = Buffer.from(await value.arrayBuffer());
      body[key] = {
        base64: bytes.toString('base64'),
        filename: value.name || null,
        contentType: value.type || null,
      };
    }
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

/** The Hono app: `/v1/*` is the Notion API, `/__emulator/*` the control API. */
export function createApiApp(options: ApiAppOptions): Hono {
  const router = createRouter(options.routes);
  const app = new Hono();
  app.route('/__emulator', options.control);
  app.all('*', async (c) => {
    const started = performance.now();
    const requestId = randomUUID();
    const url = new URL(c.req.url);
    const method = c.req.method.toUpperCase();
    const entry: RequestLogEntry = {
      method,
      path: url.pathname,
      route: null,
      status: 0,
      durationMs: 0,
      integrationId: null,
      time: new Date(options.ws.now()).toISOString(),
      requestId,
    };
    const finish = (response: Response) => {
      entry.status = response.headers.get(RESET_MARKER) ? 0 : response.status;
      entry.durationMs = Math.round((performance.now() - started) * 100) / 100;
      options.log.push(entry);
      if (options.log.length > MAX_LOG_ENTRIES)
        options.log.splice(0, options.log.length - MAX_LOG_ENTRIES);
      return response;
    };
    try {
      if (options.latencyMs > 0) await delay(options.latencyMs);
      const version = versionOf(c.req.header('notion-version') ?? null);
      const token = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
      const actor = token ? options.ws.integrationByToken(token) : undefined;
      if (!actor) throw new NotionApiError(401, 'unauthorized', 'API token is invalid.');
      entry.integrationId = actor.id;
      const match = router.match(method, url.pathname, version);
      if (!match) throw invalidRequestUrl();
      entry.route = `${method} ${displayTemplate(match.route.template)}`;
      const limiter = options.rateLimiter();
      const decision = limiter?.take(actor.id);
      if (decision && !decision.ok) {
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
      const fault = options.faults.decide(
        method,
        url.pathname,
        displayTemplate(match.route.template),
      );
      if (fault.latencyMs > 0) await delay(fault.latencyMs);
      if (fault.before && 'reset' in fault.before) return finish(resetResponse());
      if (fault.before?.status === 502) return finish(badGatewayResponse());
      if (fault.before) throw errorForStatus(fault.before.status);
      const request: ApiRequest = {
        ws: options.ws,
        actor,
        version,
        method,
        params: match.params,
        query: url.searchParams,
        body: match.route.multipart ? await readForm(c.req.raw) : await readBody(c.req.raw, method),
      };
      if (method !== 'GET' && !match.route.readOnly) options.ws.touch();
      const result = match.route.handler(request);
      if (fault.after === 'reset') return finish(resetResponse());
      if (fault.after === 504) throw errorForStatus(504);
      const status =
        'status' in result && typeof result.status === 'number' && 'body' in result
          ? result.status
          : 200;
      const body = ('status' in result && 'body' in result ? result.body : result) as JsonObject;
      return finish(
        new Response(JSON.stringify({ ...body, request_id: requestId }), {
          status,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'x-notion-request-id': requestId,
          },
        }),
      );
    } catch (error) {
      if (error instanceof NotionApiError) return finish(errorResponse(error, requestId));
      return finish(
        errorResponse(
          new NotionApiError(
            500,
            'internal_server_error',
            `Unexpected error occurred: ${error instanceof Error ? error.message : String(error)}`,
          ),
          requestId,
        ),
      );
    }
  });
  return app;
}
