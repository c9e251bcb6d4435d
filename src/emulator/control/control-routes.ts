import { Hono } from 'hono';
import { NotionApiError } from '../errors.ts';
import type { FaultRule } from '../faults.ts';
import { registerOAuthRoutes } from '../oauth/oauth-control-routes.ts';
import { registerWebhookRoutes } from '../webhooks/webhook-routes.ts';
import type { EmulatorControl, EmulatorSnapshot } from './control.ts';
import { readControlBody } from './control-body.ts';
import {
  ControlError,
  confineStatePath,
  guardControl,
  type HostAllowList,
  type StatePaths,
} from './control-guard.ts';

type Body = Record<string, unknown>;

const str = (body: Body, key: string): string => {
  const value = body[key];
  if (typeof value !== 'string' || value === '')
    throw new Error(`"${key}" must be a non-empty string`);
  return value;
};
const optStr = (body: Body, key: string): string | undefined =>
  typeof body[key] === 'string' ? (body[key] as string) : undefined;

export interface ControlAppOptions {
  hosts: HostAllowList;
  statePaths: StatePaths;
}

/**
 * The control API under `/__emulator/` (JSON, no auth, guarded by Host and content type);
 * see the README table.
 */
export function createControlApp(control: EmulatorControl, options: ControlAppOptions): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof ControlError)
      return c.json({ error: { code: error.code, message: error.message } }, error.status);
    const code = error instanceof NotionApiError ? error.code : 'invalid_request';
    return c.json({ error: { code, message: error.message } }, 400);
  });
  app.use('*', guardControl(options.hosts));
  const body = readControlBody;
  app.get('/files/:id/:name', (c) =>
    control.serveFile(c.req.param('id'), c.req.param('name'), new URL(c.req.url).searchParams),
  );
  app.get('/downloads', (c) => c.json({ downloads: control.downloadLog() }));
  app.delete('/downloads', (c) => {
    control.clearDownloadLog();
    return c.json({ ok: true });
  });
  app.post('/reset', (c) => {
    control.reset();
    return c.json({ ok: true });
  });
  app.get('/snapshot', (c) => c.json(control.snapshot()));
  app.post('/restore', async (c) => {
    control.restore((await body(c.req.raw)) as unknown as EmulatorSnapshot);
    return c.json({ ok: true });
  });
  app.post('/state/save', async (c) => {
    await control.saveState(
      confineStatePath(options.statePaths, optStr(await body(c.req.raw), 'file')),
    );
    return c.json({ ok: true });
  });
  app.post('/state/load', async (c) => {
    await control.loadState(
      confineStatePath(options.statePaths, optStr(await body(c.req.raw), 'file')),
    );
    return c.json({ ok: true });
  });
  app.get('/requests', (c) => c.json({ requests: control.requestLog() }));
  app.delete('/requests', (c) => {
    control.clearRequestLog();
    return c.json({ ok: true });
  });
  app.get('/clock', (c) => c.json({ offsetMs: control.clock.offsetMs }));
  app.post('/clock', async (c) => {
    const b = await body(c.req.raw);
    if (typeof b.offsetMs === 'number') control.clock.setOffset(b.offsetMs);
    if (typeof b.advanceMs === 'number') control.clock.advance(b.advanceMs);
    return c.json({ offsetMs: control.clock.offsetMs });
  });
  app.post('/integrations', async (c) =>
    c.json(control.createIntegration(str(await body(c.req.raw), 'name'))),
  );
  app.post('/tokens/revoke', async (c) =>
    c.json({ revoked: control.revokeToken(str(await body(c.req.raw), 'token')) }),
  );
  app.post('/share', async (c) => {
    const b = await body(c.req.raw);
    control.share(str(b, 'objectId'), optStr(b, 'integrationId'));
    return c.json({ ok: true });
  });
  app.post('/unshare', async (c) => {
    const b = await body(c.req.raw);
    control.unshare(str(b, 'objectId'), optStr(b, 'integrationId'));
    return c.json({ ok: true });
  });
  app.post('/trash/empty', (c) => c.json(control.emptyTrash()));
  app.get('/faults', (c) => c.json({ rules: control.faults() }));
  app.put('/faults', async (c) => {
    const rules = (await body(c.req.raw)).rules;
    if (!Array.isArray(rules)) throw new Error('"rules" must be an array of fault rules');
    control.setFaults(rules as FaultRule[]);
    return c.json({ rules: control.faults() });
  });
  app.delete('/faults', (c) => {
    control.clearFaults();
    return c.json({ ok: true });
  });
  app.post('/users', async (c) => {
    const b = await body(c.req.raw);
    return c.json(control.createUser({ name: str(b, 'name'), email: str(b, 'email') }));
  });
  app.post('/data_sources/:id/pages', async (c) => {
    const list = (await body(c.req.raw)).properties;
    if (!Array.isArray(list))
      throw new Error('"properties" must be an array of page property objects');
    return c.json({
      ids: control.bulkCreatePages(c.req.param('id'), list as Record<string, unknown>[]),
    });
  });
  app.post('/as-user', async (c) => {
    const b = await body(c.req.raw);
    const method = str(b, 'method').toUpperCase();
    if (!['GET', 'POST', 'PATCH', 'DELETE'].includes(method))
      throw new Error('"method" must be GET, POST, PATCH or DELETE');
    const result = control.actAsUser({
      method: method as 'GET',
      path: str(b, 'path'),
      ...(typeof b.body === 'object' && b.body !== null ? { body: b.body as Body } : {}),
      ...(optStr(b, 'userId') ? { userId: optStr(b, 'userId') as string } : {}),
      ...(optStr(b, 'notionVersion')
        ? { notionVersion: optStr(b, 'notionVersion') as '2026-03-11' }
        : {}),
    });
    return c.json({ status: result.status, body: result.body });
  });
  registerWebhookRoutes(app, control.webhooks);
  registerOAuthRoutes(app, control.oauth);
  app.post('/pages/:id/edit-as-user', async (c) => {
    const b = await body(c.req.raw);
    control.editAsUser(
      c.req.param('id'),
      (b.properties ?? {}) as Record<string, unknown>,
      optStr(b, 'userId'),
    );
    return c.json({ ok: true });
  });
  return app;
}
