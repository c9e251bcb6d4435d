import type { Hono } from 'hono';
import { readControlBody } from '../control/control-body.ts';
import { ControlError } from '../control/control-guard.ts';
import type { EmulatorOAuth } from './oauth.ts';

const optional = (body: Record<string, unknown>, key: string): string | undefined =>
  typeof body[key] === 'string' ? (body[key] as string) : undefined;

function stringList(value: unknown, key: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new ControlError(400, 'invalid_request', `"${key}" must be a list of strings.`);
  return value as string[];
}

/** `/__emulator/oauth/…`: register public integrations; answer consent without a browser. */
export function registerOAuthRoutes(app: Hono, oauth: EmulatorOAuth): void {
  app.get('/oauth/clients', (c) => c.json({ clients: oauth.clients() }));
  app.post('/oauth/clients', async (c) => {
    const body = await readControlBody(c.req.raw);
    return c.json(
      oauth.registerClient({
        name: typeof body.name === 'string' ? body.name : '',
        redirectUris: stringList(body.redirectUris, 'redirectUris'),
        ...(optional(body, 'clientId') ? { clientId: optional(body, 'clientId') } : {}),
        ...(optional(body, 'clientSecret') ? { clientSecret: optional(body, 'clientSecret') } : {}),
      }),
    );
  });
  app.post('/oauth/consent', async (c) => {
    const body = await readControlBody(c.req.raw);
    const decision = body.decision ?? 'allow';
    if (decision !== 'allow' && decision !== 'deny')
      throw new ControlError(400, 'invalid_request', '"decision" must be "allow" or "deny".');
    const clientId = optional(body, 'clientId');
    if (!clientId) throw new ControlError(400, 'invalid_request', '"clientId" must be a string.');
    return c.json(
      oauth.consent({
        clientId,
        redirectUri: optional(body, 'redirectUri'),
        state: optional(body, 'state'),
        pageIds: body.pageIds === undefined ? [] : stringList(body.pageIds, 'pageIds'),
        userId: optional(body, 'userId'),
        decision,
      }),
    );
  });
}
