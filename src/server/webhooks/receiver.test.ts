// Invariant: only a delivery whose X-Notion-Signature verifies over the raw body bytes with the
// connection's accepted key is stored, and only once per event id; a handshake only stores a
// pending token (encrypted) that an operator must accept. Forged, replayed, oversized or
// malformed requests store nothing, write no version and never reach Notion.
import { describe, expect, it } from 'vitest';
import { createEmulator, createManualClock } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import {
  createServeHarness,
  notionEvent,
  TEST_WEBHOOK_TOKEN,
} from '../test-support/serve-harness.ts';
import { signWebhookBody, verifyWebhookSignature } from './signature.ts';

const [sqlite] = storeFactories();

async function setup(options: Parameters<typeof createServeHarness>[4] = {}) {
  const clock = createManualClock(Date.UTC(2026, 4, 4, 10, 0, 0));
  const emu = await createEmulator({ clock });
  const dsId = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
  const [pageId] = emu.control.bulkCreatePages(dsId, [
    { Name: { title: [{ text: { content: 'one' } }] } },
  ]);
  const h = await createServeHarness(
    sqlite!,
    emu,
    [{ name: 'tasks', dataSource: dsId }],
    clock,
    options,
  );
  return { clock, emu, dsId, pageId: pageId!, h };
}

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('webhook signature', () => {
  it('matches the test vector of notion-api.md §8.2 and refuses anything else', () => {
    const body = Buffer.from('{"verification_token":"abc"}');
    const expected = 'sha256=54295aea5a95bcc043455c17a863f148c13feb27976d221ca3c25e1b4f0c335f';
    expect(signWebhookBody(body, 'secret')).toBe(expected);
    expect(verifyWebhookSignature(body, expected, 'secret')).toBe(true);
    expect(verifyWebhookSignature(body, expected.toUpperCase(), 'secret')).toBe(false);
    expect(verifyWebhookSignature(body, expected.slice(0, -1), 'secret')).toBe(false);
    expect(verifyWebhookSignature(body, undefined, 'secret')).toBe(false);
    expect(verifyWebhookSignature(body, expected, 'secreT')).toBe(false);
  });
});

describe('webhook receiver', () => {
  it('stores a handshake token encrypted as pending; events are refused until it is accepted', async () => {
    const { h, pageId, clock } = await setup({ config: { webhooks: {} } });
    const event = JSON.stringify(
      notionEvent({
        type: 'page.created',
        entityId: pageId,
        timestamp: new Date(clock.now()).toISOString(),
      }),
    );
    const token = 'secret_handshake_token_value_0123456789';
    const before = await h.deliver(event, { token });
    expect(before.status).toBe(401);
    expect(await errorCode(before)).toBe('webhook_unverified');

    const handshake = await h.deliver(JSON.stringify({ verification_token: token }), {
      signature: null,
    });
    expect(handshake.status).toBe(200);
    const { store } = h.testStore;
    expect(await store.webhookTokens.readPending('default')).toBe(token);
    const rows = await store.db.selectFrom('webhook_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect((await h.deliver(event, { token })).status).toBe(401);

    await store.webhookTokens.acceptPending('default');
    const accepted = await h.deliver(event, { token });
    expect(accepted.status).toBe(200);
    expect(await store.webhookEvents.countByState()).toMatchObject({ pending: 1 });
  });

  it('says a handshake needs NOTION_SYNC_SECRET_KEY when the store has no key', async () => {
    const { h } = await setup({ secretKey: null, config: { webhooks: {} } });
    const response = await h.deliver(JSON.stringify({ verification_token: 'secret_x' }), {
      signature: null,
    });
    expect(response.status).toBe(503);
    expect(await errorCode(response)).toBe('secret_key_missing');
  });

  it('answers unknown connections, oversized and non-JSON bodies with their codes', async () => {
    const { h } = await setup({ config: { server: { maxBodyBytes: 2048 } } });
    const unknown = await h.deliver('{}', { path: '/webhooks/notion/defualt' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      error: { code: 'connection_not_found', message: expect.stringContaining('"default"') },
    });
    const big = await h.deliver(JSON.stringify({ pad: 'x'.repeat(5000) }));
    expect(big.status).toBe(413);
    const notJson = await h.deliver('not json at all');
    expect(notJson.status).toBe(400);
    expect(await errorCode(notJson)).toBe('webhook_body_invalid');
    expect(await h.testStore.store.webhookEvents.countByState()).toEqual({
      pending: 0,
      processed: 0,
      failed: 0,
    });
  });

  it('stores concurrent deliveries together, each event once', async () => {
    const { h, pageId, clock } = await setup();
    const at = new Date(clock.now()).toISOString();
    const bodies = Array.from({ length: 20 }, () =>
      JSON.stringify(notionEvent({ type: 'page.created', entityId: pageId, timestamp: at })),
    );
    const responses = await Promise.all(
      [...bodies, ...bodies].map(async (body) => (await h.deliver(body)).json()),
    );
    expect(responses.filter((r) => (r as { duplicate: boolean }).duplicate)).toHaveLength(20);
    expect(await h.testStore.store.webhookEvents.countByState()).toMatchObject({ pending: 20 });
  });

  it('10,000 forged requests: 0 accepted events, 0 versions, 0 Notion calls', async () => {
    const { h, emu, pageId, clock } = await setup();
    const { store } = h.testStore;
    const { service } = h;
    // Pulled first, so a forged or replayed event that got through would re-read the page.
    expect((await service.engine.pull(['tasks'])).ok).toBe(true);
    const now = new Date(clock.now()).toISOString();
    const original = JSON.stringify(
      notionEvent({ type: 'page.properties_updated', entityId: pageId, timestamp: now }),
    );
    expect((await h.deliver(original)).status).toBe(200);
    await service.processor.drain();
    const versions = async () =>
      (await store.db.selectFrom('versions').select('id').execute()).length;
    const baseline = {
      versions: await versions(),
      calls: emu.control.requestLog().length,
      events: await store.webhookEvents.countByState(),
    };

    const forgeries: { body: string; signature: string | null; expect: number }[] = [];
    for (let i = 0; forgeries.length < 10_000; i++) {
      const body = JSON.stringify(
        notionEvent({ type: 'page.properties_updated', entityId: pageId, timestamp: now }),
      );
      const valid = signWebhookBody(body, TEST_WEBHOOK_TOKEN);
      const flipped = body.replace('"page.properties_updated"', '"page.properties_updatee"');
      const reserialised = JSON.stringify(JSON.parse(body), null, 1);
      const kinds = [
        { body, signature: signWebhookBody(body, 'secret_wrong_token'), expect: 401 },
        { body, signature: null, expect: 401 },
        { body: flipped, signature: valid, expect: 401 },
        { body: reserialised, signature: valid, expect: 401 },
        { body, signature: `sha256=${'0'.repeat(64)}`, expect: 401 },
        { body, signature: 'sha1=abc', expect: 401 },
        // A replay of an accepted event with its valid signature: answered, processed once.
        { body: original, signature: signWebhookBody(original, TEST_WEBHOOK_TOKEN), expect: 200 },
      ];
      forgeries.push(kinds[i % kinds.length]!);
    }
    // Most in-process; the first 300 through a real socket.
    const { url } = await service.run();
    const statuses = new Map<number, number>();
    for (const [i, forgery] of forgeries.entries()) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (forgery.signature !== null) headers['x-notion-signature'] = forgery.signature;
      const response =
        i < 300
          ? await fetch(`${url}/webhooks/notion`, { method: 'POST', body: forgery.body, headers })
          : await service.app.request('/webhooks/notion', {
              method: 'POST',
              body: forgery.body,
              headers,
            });
      await response.arrayBuffer();
      expect(response.status).toBe(forgery.expect);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
    await service.processor.drain();
    await service.stop();
    expect(statuses.get(401)).toBeGreaterThan(8000);
    expect(await store.webhookEvents.countByState()).toEqual(baseline.events);
    expect(await versions()).toBe(baseline.versions);
    expect(emu.control.requestLog().length).toBe(baseline.calls);
    const metrics = await service.metrics.registry.getSingleMetricAsString(
      'notion_sync_webhook_events_deduped_total',
    );
    expect(metrics).toMatch(/deduped_total \d{3,}/);
  }, 120_000);
});
