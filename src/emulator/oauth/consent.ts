import { randomBytes } from 'node:crypto';
import { ControlError } from '../control/control-guard.ts';
import { normalizeId } from '../ids.ts';
import type { IntegrationRecord } from '../state.ts';
import type { Workspace } from '../workspace.ts';
import type { Grants } from './grants.ts';

/** A checked authorize request: the client and where its answer goes. */
export interface AuthorizeRequest {
  client: IntegrationRecord;
  redirectUri: string;
  /** Whether `redirect_uri` was sent (then the token exchange must repeat it). */
  redirectGiven: boolean;
  state: string | undefined;
}

export interface ConsentInput {
  clientId: string;
  redirectUri?: string | undefined;
  state?: string | undefined;
  responseType?: string | undefined;
  owner?: string | undefined;
  /** Pages (or databases) to share; their descendants come with them. */
  pageIds: readonly string[];
  /** The consenting person (default: the workspace's first person). */
  userId?: string | undefined;
  decision?: 'allow' | 'deny';
}

const refuse = (message: string) => new ControlError(400, 'invalid_request', message);

/** Checks client, redirect URI, `response_type=code` and `owner=user`; never redirects elsewhere. */
export function checkAuthorize(
  ws: Workspace,
  input: Pick<ConsentInput, 'clientId' | 'redirectUri' | 'state' | 'responseType' | 'owner'>,
): AuthorizeRequest {
  const client = ws.state.integrations[input.clientId];
  if (!client?.oauth) throw refuse(`Unknown client_id "${input.clientId}".`);
  const registered = client.oauth.redirectUris;
  if (input.redirectUri !== undefined && !registered.includes(input.redirectUri))
    throw refuse('redirect_uri is not one registered for this integration.');
  if (input.redirectUri === undefined && registered.length !== 1)
    throw refuse('redirect_uri is required when the integration has several.');
  if (input.responseType !== undefined && input.responseType !== 'code')
    throw refuse('response_type must be "code".');
  if (input.owner !== undefined && input.owner !== 'user') throw refuse('owner must be "user".');
  return {
    client,
    redirectUri: input.redirectUri ?? registered[0]!,
    redirectGiven: input.redirectUri !== undefined,
    state: input.state,
  };
}

function redirectTo(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/** The person consenting: `userId` if it names a person, else the workspace's first person. */
export function consentingUser(ws: Workspace, userId: string | undefined): string {
  const persons = Object.values(ws.state.users).filter((u) => u.type === 'person');
  const chosen =
    userId === undefined ? persons[0] : persons.find((u) => u.id === normalizeId(userId));
  if (!chosen) throw refuse(`No person ${userId ?? '(the workspace has none)'} in the workspace.`);
  return chosen.id;
}

/** Allow → `redirect_uri?code=…&state=…`; deny → `?error=access_denied&state=…`. */
export function decide(
  ws: Workspace,
  grants: Grants,
  request: AuthorizeRequest,
  choice: { decision: 'allow' | 'deny'; pageIds: readonly string[]; userId: string },
): { redirectUrl: string; code?: string } {
  if (choice.decision === 'deny')
    return {
      redirectUrl: redirectTo(request.redirectUri, {
        error: 'access_denied',
        state: request.state,
      }),
    };
  const pageIds = choice.pageIds.map((raw) => {
    const id = normalizeId(raw);
    if (!id || !(ws.state.pages[id] ?? ws.state.databases[id]))
      throw refuse(`"${raw}" is not a page or database of this workspace.`);
    return id;
  });
  const code = grants.issueCode({
    clientId: request.client.id,
    redirectUri: request.redirectGiven ? request.redirectUri : undefined,
    userId: choice.userId,
    pageIds,
  });
  return { redirectUrl: redirectTo(request.redirectUri, { code, state: request.state }), code };
}

/** One-time form nonces: a consent POST must come from a page this emulator served. */
export function createConsentForms(ws: Workspace) {
  const forms = new Map<string, { request: AuthorizeRequest; expiresAt: number }>();
  return {
    open(request: AuthorizeRequest): string {
      const nonce = randomBytes(18).toString('base64url');
      forms.set(nonce, { request, expiresAt: ws.now() + 60 * 60_000 });
      return nonce;
    },
    take(nonce: string): AuthorizeRequest {
      const form = forms.get(nonce);
      forms.delete(nonce);
      if (!form || form.expiresAt <= ws.now())
        throw refuse('This consent form expired or was already answered; start again.');
      return form.request;
    },
  };
}
