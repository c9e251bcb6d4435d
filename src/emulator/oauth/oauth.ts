import { randomBytes, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { ControlError } from '../control/control-guard.ts';
import { NotionApiError } from '../errors.ts';
import { newId, normalizeId } from '../ids.ts';
import type { JsonObject } from '../state.ts';
import type { Workspace } from '../workspace.ts';
import {
  type ConsentInput,
  checkAuthorize,
  consentingUser,
  createConsentForms,
  decide,
} from './consent.ts';
import { renderConsentPage, renderErrorPage } from './consent-page.ts';
import { authenticateClient, createGrants, type OAuthOptions } from './grants.ts';

export interface OAuthClientInput {
  name: string;
  redirectUris: readonly string[];
  /** Fixed credentials (`--oauth-client id:secret:uri`); generated when omitted. */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  name: string;
  redirectUris: string[];
}

/** Public integrations and their consent (also served under `/__emulator/oauth`). */
export interface EmulatorOAuth {
  registerClient(input: OAuthClientInput): OAuthClient;
  /** Client ids, names and redirect URIs (no secrets). */
  clients(): Omit<OAuthClient, 'clientSecret'>[];
  /** The consent page's decision without a browser: where Notion would redirect. */
  consent(input: ConsentInput): { redirectUrl: string; code?: string };
}

function checkRedirectUris(uris: readonly string[]): string[] {
  if (!Array.isArray(uris) || uris.length === 0)
    throw new ControlError(400, 'invalid_request', '"redirectUris" must list at least one URL.');
  // Kept as given: authorize and token compare redirect URIs as exact strings.
  return uris.map((uri) => {
    try {
      new URL(uri);
      return uri;
    } catch {
      throw new ControlError(
        400,
        'invalid_request',
        `Redirect URI "${uri}" is not an absolute URL.`,
      );
    }
  });
}

function jsonAnswer(body: JsonObject, status = 200): Response {
  const requestId = randomUUID();
  return new Response(JSON.stringify({ ...body, request_id: requestId }), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-notion-request-id': requestId,
    },
  });
}

async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  try {
    const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new NotionApiError(400, 'invalid_json', 'Error parsing JSON body.');
}

export function createOAuth(ws: Workspace, options: OAuthOptions) {
  const grants = createGrants(ws, options);
  const forms = createConsentForms(ws);
  const persons = () =>
    Object.values(ws.state.users)
      .filter((u) => u.type === 'person')
      .map((u) => ({ id: u.id, name: u.name ?? u.id }));

  const control: EmulatorOAuth = {
    registerClient(input) {
      if (typeof input.name !== 'string' || input.name === '')
        throw new ControlError(400, 'invalid_request', '"name" must be a non-empty string.');
      const redirectUris = checkRedirectUris(input.redirectUris);
      const clientId = input.clientId === undefined ? newId() : normalizeId(input.clientId);
      if (!clientId || ws.state.integrations[clientId])
        throw new ControlError(
          400,
          'invalid_request',
          `Client id "${input.clientId}" is not a free UUID.`,
        );
      const clientSecret =
        input.clientSecret ?? `secret_${randomBytes(33).toString('base64url').slice(0, 43)}`;
      ws.state.integrations[clientId] = {
        id: clientId,
        name: input.name,
        tokens: [],
        oauth: { clientSecret, redirectUris },
      };
      ws.touch();
      return { clientId, clientSecret, name: input.name, redirectUris };
    },
    clients: () =>
      Object.values(ws.state.integrations)
        .filter((i) => i.oauth)
        .map((i) => ({
          clientId: i.id,
          name: i.name,
          redirectUris: [...(i.oauth?.redirectUris ?? [])],
        })),
    consent(input) {
      const request = checkAuthorize(ws, input);
      return decide(ws, grants, request, {
        decision: input.decision ?? 'allow',
        pageIds: input.pageIds ?? [],
        userId: consentingUser(ws, input.userId),
      });
    },
  };

  /** `/v1/oauth/*`: the consent page and the three Basic-auth endpoints. */
  const app = new Hono();
  app.onError((error) => {
    if (error instanceof NotionApiError) {
      const requestId = randomUUID();
      return new Response(JSON.stringify(error.toBody(requestId)), {
        status: error.status,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-notion-request-id': requestId,
        },
      });
    }
    return new Response(renderErrorPage(error.message), {
      status: 400,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
  });
  app.get('/authorize', (c) => {
    const q = (key: string) => c.req.query(key);
    const request = checkAuthorize(ws, {
      clientId: q('client_id') ?? '',
      redirectUri: q('redirect_uri'),
      state: q('state'),
      responseType: q('response_type') ?? '',
      owner: q('owner'),
    });
    const nonce = forms.open(request);
    return c.html(
      renderConsentPage(ws, { clientName: request.client.name, nonce, persons: persons() }),
    );
  });
  app.post('/authorize', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const request = forms.take(String(form.nonce ?? ''));
    const picked = form.page === undefined ? [] : [form.page].flat().map(String);
    const { redirectUrl } = decide(ws, grants, request, {
      decision: form.decision === 'allow' ? 'allow' : 'deny',
      pageIds: picked,
      userId: consentingUser(ws, typeof form.user === 'string' ? form.user : undefined),
    });
    return c.redirect(redirectUrl, 302);
  });
  for (const [path, run] of [
    ['/token', grants.token],
    ['/introspect', grants.introspect],
    ['/revoke', grants.revoke],
  ] as const) {
    app.post(path, async (c) => {
      const client = authenticateClient(ws, c.req.header('authorization'));
      return jsonAnswer(run(client, await jsonBody(c.req.raw)));
    });
  }
  return { control, app };
}
