import type { Hono } from 'hono';
import { readControlBody } from '../control/control-body.ts';
import { ControlError } from '../control/control-guard.ts';
import type { NotionVersion, WebhookFaults } from '../state.ts';
import type { EmulatorWebhooks } from './webhooks.ts';

function stringList(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new ControlError(400, 'invalid_request', `"${key}" must be a list of strings.`);
  return value as string[];
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '')
    throw new ControlError(400, 'invalid_request', `"${key}" must be a non-empty string.`);
  return value;
}

/** `/__emulator/webhooks…`: the integration settings page's Webhooks tab, and the delivery log. */
export function registerWebhookRoutes(app: Hono, webhooks: EmulatorWebhooks): void {
  app.get('/webhooks/deliveries', (c) => c.json({ deliveries: webhooks.deliveries() }));
  app.delete('/webhooks/deliveries', (c) => {
    webhooks.clearDeliveries();
    return c.json({ ok: true });
  });
  app.post('/webhooks/flush', async (c) => {
    webhooks.flush();
    await webhooks.idle();
    return c.json({ ok: true });
  });
  app.get('/webhooks', (c) => c.json({ subscriptions: webhooks.list() }));
  app.post('/webhooks', async (c) => {
    const body = await readControlBody(c.req.raw);
    const eventTypes = stringList(body.eventTypes, 'eventTypes');
    const created = webhooks.subscribe({
      url: requiredString(body, 'url'),
      ...(eventTypes ? { eventTypes } : {}),
      ...(typeof body.integrationId === 'string' ? { integrationId: body.integrationId } : {}),
      ...(typeof body.apiVersion === 'string'
        ? { apiVersion: body.apiVersion as NotionVersion }
        : {}),
      ...(body.faults !== undefined ? { faults: body.faults as WebhookFaults } : {}),
    });
    // The token reaches the subscription URL only, as with Notion.
    const { verificationToken: _, ...shown } = created;
    return c.json(shown);
  });
  app.delete('/webhooks/:id', (c) => {
    if (!webhooks.remove(c.req.param('id')))
      throw new ControlError(
        404,
        'subscription_not_found',
        `No webhook subscription ${c.req.param('id')}.`,
      );
    return c.json({ ok: true });
  });
  app.post('/webhooks/:id/verify', async (c) => {
    const body = await readControlBody(c.req.raw);
    const token = typeof body.verificationToken === 'string' ? body.verificationToken : undefined;
    return c.json(webhooks.verify(c.req.param('id'), token));
  });
  app.post('/webhooks/:id/faults', async (c) => {
    const body = await readControlBody(c.req.raw);
    return c.json(webhooks.setFaults(c.req.param('id'), body.faults as WebhookFaults));
  });
}
