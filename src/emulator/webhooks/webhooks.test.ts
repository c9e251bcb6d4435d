// Webhooks as notion-api.md §8 describes them, on real sockets and the emulator's manual
// clock: unsigned handshake, nothing before Verify, signed envelopes of the documented shape,
// aggregation, retries up to 8 attempts, visibility, and per-subscription delivery faults.

import { verifyWebhookSignature } from '@notionhq/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, createManualClock, type Emulator, type ManualClock } from '../index.ts';
import { createDataSource } from '../test-support.ts';
import { MAX_DELIVERY_ATTEMPTS, RETRY_DELAYS_MS } from './dispatcher.ts';
import { startTestReceiver, type TestReceiver } from './receiver-test-support.ts';

const WINDOW_MS = 2_000;
const title = (content: string) => ({ title: [{ text: { content } }] });

let clock: ManualClock;
let emu: Emulator;
let receivers: TestReceiver[];

beforeEach(async () => {
  clock = createManualClock(Date.UTC(2026, 0, 1));
  emu = await createEmulator({ clock, webhooks: { aggregateMs: WINDOW_MS } });
  receivers = [];
});
afterEach(async () => {
  for (const receiver of receivers) await receiver.close();
});

async function receiver(options: Parameters<typeof startTestReceiver>[0] = {}) {
  const started = await startTestReceiver(options);
  receivers.push(started);
  return started;
}

/** Subscribes, waits for the handshake and verifies with the token the receiver got. */
async function subscribed(
  target: TestReceiver,
  input: { eventTypes?: string[]; integrationId?: string } = {},
) {
  const sub = emu.control.webhooks.subscribe({ url: target.url, ...input });
  await target.waitFor(1);
  const token = String(target.received[0]!.json.verification_token);
  emu.control.webhooks.verify(sub.id, token);
  return { ...sub, token };
}

/** Lets every window and retry up to `ms` of emulator time pass, delivering as it goes. */
async function elapse(ms: number, step = ms) {
  for (let passed = 0; passed < ms; passed += step) {
    await emu.control.webhooks.idle();
    await clock.advance(step);
  }
  await emu.control.webhooks.idle();
}

async function tasks() {
  const notion = emu.client();
  const dsId = await createDataSource(notion, emu.rootPageId, {
    Name: { title: {} },
    Estimate: { number: {} },
    Notes: { rich_text: {} },
  });
  const ds = await notion.dataSources.retrieve({ data_source_id: dsId });
  const ids = Object.fromEntries(
    Object.entries((ds as { properties: Record<string, { id: string }> }).properties).map(
      ([name, p]) => [name, p.id],
    ),
  );
  const page = await notion.pages.create({
    parent: { data_source_id: dsId },
    properties: { Name: title('Write tests') },
  });
  return {
    notion,
    dsId,
    ids,
    pageId: page.id,
    databaseId: (ds as { parent: { database_id: string } }).parent.database_id,
  };
}

describe('webhook subscriptions', () => {
  it('sends an unsigned verification handshake and delivers nothing until verified', async () => {
    const target = await receiver();
    const { notion, pageId } = await tasks();
    const sub = emu.control.webhooks.subscribe({ url: target.url });
    await target.waitFor(1);
    const handshake = target.received[0]!;
    expect(Object.keys(handshake.json)).toEqual(['verification_token']);
    expect(handshake.json.verification_token).toMatch(/^secret_[A-Za-z0-9]{43}$/);
    expect(handshake.headers['x-notion-signature']).toBeUndefined();
    await notion.pages.update({ page_id: pageId, properties: { Name: title('before verify') } });
    await elapse(WINDOW_MS);
    expect(target.events()).toHaveLength(0);
    expect(() => emu.control.webhooks.verify(sub.id, 'secret_wrong')).toThrow(/verification token/);
    emu.control.webhooks.verify(sub.id, String(handshake.json.verification_token));
    await notion.pages.update({ page_id: pageId, properties: { Name: title('after verify') } });
    await elapse(WINDOW_MS);
    expect(target.events().map((e) => e.type)).toContain('page.properties_updated');
  });

  it('delivers one signed page.properties_updated naming the changed property ids', async () => {
    const target = await receiver();
    const { notion, pageId, ids, dsId, databaseId } = await tasks();
    const sub = await subscribed(target);
    await notion.pages.update({
      page_id: pageId,
      properties: { Estimate: { number: 3 }, Notes: { rich_text: [{ text: { content: 'x' } }] } },
    });
    await elapse(WINDOW_MS);
    const deliveries = target.received.slice(1);
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    const signature = String(delivery!.headers['x-notion-signature']);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(
      await verifyWebhookSignature({
        body: delivery!.body,
        signature,
        verificationToken: sub.token,
      }),
    ).toBe(true);
    expect(
      await verifyWebhookSignature({
        body: `${delivery!.body} `,
        signature,
        verificationToken: sub.token,
      }),
    ).toBe(false);
    const event = delivery!.json;
    expect(Object.keys(event).sort()).toEqual(
      [
        'id',
        'timestamp',
        'workspace_id',
        'workspace_name',
        'subscription_id',
        'integration_id',
        'type',
        'authors',
        'attempt_number',
        'api_version',
        'entity',
        'data',
      ].sort(),
    );
    expect(event).toMatchObject({
      type: 'page.properties_updated',
      timestamp: '2026-01-01T00:00:00.000Z',
      workspace_id: emu.workspaceId,
      workspace_name: 'Emulated workspace',
      subscription_id: sub.id,
      integration_id: emu.integrationId,
      authors: [{ id: emu.integrationId, type: 'bot' }],
      attempt_number: 1,
      api_version: '2026-03-11',
      entity: { id: pageId, type: 'page' },
      data: { parent: { id: databaseId, type: 'database', data_source_id: dsId } },
    });
    expect((event.data as { updated_properties: string[] }).updated_properties.sort()).toEqual(
      [ids.Estimate, ids.Notes].sort(),
    );
  });

  it('aggregates 20 rapid edits of one page by three authors into one delivery', async () => {
    const target = await receiver();
    const { notion, pageId, ids } = await tasks();
    await subscribed(target, { eventTypes: ['page.properties_updated'] });
    const ada = emu.control.createUser({ name: 'Ada', email: 'ada@example.com' }).id;
    const grace = emu.control.createUser({ name: 'Grace', email: 'grace@example.com' }).id;
    for (let i = 0; i < 20; i += 1) {
      if (i % 3 === 0)
        await notion.pages.update({ page_id: pageId, properties: { Estimate: { number: i } } });
      else
        emu.control.editAsUser(
          pageId,
          { Notes: { rich_text: [{ text: { content: `${i}` } }] } },
          i % 3 === 1 ? ada : grace,
        );
      await clock.advance(50);
    }
    await elapse(WINDOW_MS);
    const events = target.events();
    expect(events).toHaveLength(1);
    expect((events[0]!.authors as { id: string }[]).map((a) => a.id).sort()).toEqual(
      [emu.integrationId, ada, grace].sort(),
    );
    expect(events[0]!.authors).toContainEqual({ id: ada, type: 'person' });
    expect((events[0]!.data as { updated_properties: string[] }).updated_properties.sort()).toEqual(
      [ids.Estimate, ids.Notes].sort(),
    );
  });

  it('retries a failing receiver: 500 three times then 200 gets attempts 1–4 of one event', async () => {
    const target = await receiver({ statuses: [200, 500, 500, 500, 200] });
    const { notion, pageId } = await tasks();
    await subscribed(target, { eventTypes: ['page.properties_updated'] });
    await notion.pages.update({ page_id: pageId, properties: { Estimate: { number: 1 } } });
    await elapse(WINDOW_MS + RETRY_DELAYS_MS.slice(0, 3).reduce((a, b) => a + b), 30_000);
    const events = target.events();
    expect(events.map((e) => e.attempt_number)).toEqual([1, 2, 3, 4]);
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
    await elapse(8 * 3_600_000, 600_000);
    expect(target.events()).toHaveLength(4);
    const log = emu.control.webhooks.deliveries().filter((d) => d.type !== 'verification');
    expect(log.map((d) => [d.attempt, d.status, d.outcome])).toEqual([
      [1, 500, 'retrying'],
      [2, 500, 'retrying'],
      [3, 500, 'retrying'],
      [4, 200, 'delivered'],
    ]);
  });

  it('gives up after exactly 8 attempts on a receiver that always fails', async () => {
    const target = await receiver({ statuses: [200, 503] });
    const { notion, pageId } = await tasks();
    await subscribed(target, { eventTypes: ['page.properties_updated'] });
    await notion.pages.update({ page_id: pageId, properties: { Estimate: { number: 1 } } });
    await elapse(24 * 3_600_000, 600_000);
    expect(target.events().map((e) => e.attempt_number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(MAX_DELIVERY_ATTEMPTS).toBe(8);
    expect(emu.control.webhooks.deliveries().at(-1)).toMatchObject({
      attempt: 8,
      outcome: 'gave_up',
    });
  });

  it('never makes an API request wait for a receiver that does not answer', async () => {
    const target = await receiver({ hang: true });
    const { notion, pageId } = await tasks();
    const sub = emu.control.webhooks.subscribe({
      url: target.url,
      eventTypes: ['page.properties_updated'],
    });
    await target.waitFor(1);
    emu.control.webhooks.verify(sub.id);
    await notion.pages.update({ page_id: pageId, properties: { Estimate: { number: 1 } } });
    await clock.advance(WINDOW_MS);
    await target.waitFor(2);
    // The receiver holds the delivery open; the API still answers.
    const page = await notion.pages.update({
      page_id: pageId,
      properties: { Estimate: { number: 2 } },
    });
    expect(page.id).toBe(pageId);
    target.release();
    await emu.control.webhooks.idle();
  });
});

describe('what is delivered', () => {
  it('sends only events on objects the integration can see', async () => {
    const target = await receiver();
    const { notion, pageId } = await tasks();
    const other = emu.control.createIntegration('Other');
    await subscribed(target, { integrationId: other.id });
    await notion.pages.update({ page_id: pageId, properties: { Estimate: { number: 5 } } });
    await elapse(WINDOW_MS);
    expect(target.events()).toHaveLength(0);
    emu.control.share(pageId, other.id);
    await notion.pages.update({ page_id: pageId, properties: { Estimate: { number: 6 } } });
    await elapse(WINDOW_MS);
    expect(target.events().map((e) => [e.type, e.integration_id])).toEqual([
      ['page.properties_updated', other.id],
    ]);
  });

  it('sends one event per public integration, with the installing users in accessible_by', async () => {
    const target = await receiver();
    const { notion, pageId } = await tasks();
    const app = emu.control.oauth.registerClient({
      name: 'Acme',
      redirectUris: ['http://127.0.0.1:9/cb'],
    });
    const ada = emu.control.createUser({ name: 'Ada', email: 'ada@example.com' }).id;
    const bob = emu.control.createUser({ name: 'Bob', email: 'bob@example.com' }).id;
    for (const [userId, pageIds] of [
      [ada, [pageId]],
      [bob, [emu.rootPageId]],
    ] as const) {
      const { code } = emu.control.oauth.consent({
        clientId: app.clientId,
        pageIds: [...pageIds],
        userId,
      });
      await notion.oauth.token({
        client_id: app.clientId,
        client_secret: app.clientSecret,
        grant_type: 'authorization_code',
        code: code!,
      });
    }
    await subscribed(target, {
      integrationId: app.clientId,
      eventTypes: ['page.properties_updated'],
    });
    await notion.pages.update({ page_id: pageId, properties: { Estimate: { number: 7 } } });
    await elapse(WINDOW_MS);
    const events = target.events();
    expect(events).toHaveLength(1);
    expect(events[0]!.integration_id).toBe(app.clientId);
    expect(events[0]!.accessible_by).toEqual(
      expect.arrayContaining([
        { id: ada, type: 'person' },
        { id: bob, type: 'person' },
      ]),
    );
  });

  it('reports moves, trash, schema edits and comments made as a user, with a person author', async () => {
    const target = await receiver();
    const { pageId, dsId, ids } = await tasks();
    await subscribed(target);
    const asUser = emu.control.actAsUser;
    expect(
      asUser({ method: 'PATCH', path: `/v1/pages/${pageId}`, body: { in_trash: true } }).status,
    ).toBe(200);
    asUser({ method: 'PATCH', path: `/v1/pages/${pageId}`, body: { in_trash: false } });
    asUser({ method: 'PATCH', path: `/v1/pages/${pageId}`, body: { is_locked: true } });
    asUser({
      method: 'PATCH',
      path: `/v1/data_sources/${dsId}`,
      body: { properties: { Notes: { name: 'Comments' }, Due: { date: {} } } },
    });
    asUser({
      method: 'POST',
      path: '/v1/comments',
      body: { parent: { page_id: pageId }, rich_text: [{ text: { content: 'hi' } }] },
    });
    asUser({
      method: 'POST',
      path: `/v1/pages/${pageId}/move`,
      body: { parent: { page_id: emu.rootPageId } },
    });
    await elapse(WINDOW_MS);
    const events = target.events();
    const types = events.map((e) => e.type);
    for (const type of [
      'page.deleted',
      'page.undeleted',
      'page.locked',
      'data_source.schema_updated',
      'database.schema_updated',
      'comment.created',
      'page.moved',
      'data_source.content_updated',
    ])
      expect(types).toContain(type);
    const owner = Object.values(emu.control.snapshot().state.users).find(
      (u) => u.type === 'person',
    )!;
    for (const event of events) expect(event.authors).toEqual([{ id: owner.id, type: 'person' }]);
    const schema = events.find((e) => e.type === 'data_source.schema_updated')!;
    expect(schema).toMatchObject({ entity: { id: dsId, type: 'data_source' } });
    expect((schema.data as { updated_properties: unknown[] }).updated_properties).toEqual(
      expect.arrayContaining([
        { id: ids.Notes, name: 'Comments', action: 'updated' },
        expect.objectContaining({ name: 'Due', action: 'created' }),
      ]),
    );
    const comment = events.find((e) => e.type === 'comment.created')!;
    expect(comment.data).toEqual({ parent: { id: pageId, type: 'page' }, page_id: pageId });
    expect(events.find((e) => e.type === 'page.moved')!.data).toEqual({
      parent: { id: emu.rootPageId, type: 'page' },
    });
  });

  it('reports blocks appended through the API as page.content_updated with the block ids', async () => {
    const target = await receiver();
    const { notion, pageId } = await tasks();
    await subscribed(target, { eventTypes: ['page.content_updated'] });
    const appended = await notion.blocks.children.append({
      block_id: pageId,
      children: [{ paragraph: { rich_text: [{ text: { content: 'new' } }] } }],
    });
    await elapse(WINDOW_MS);
    expect(target.events()).toHaveLength(1);
    expect(target.events()[0]!.data).toMatchObject({
      updated_blocks: [{ id: appended.results[0]!.id, type: 'block' }],
    });
  });
});

describe('delivery faults', () => {
  it('duplicates, drops and reorders deliveries when told to', async () => {
    const target = await receiver();
    const { notion, pageId } = await tasks();
    const sub = await subscribed(target, { eventTypes: ['page.locked', 'page.unlocked'] });
    emu.control.webhooks.setFaults(sub.id, { duplicate: 1 });
    await notion.pages.update({ page_id: pageId, is_locked: true });
    await elapse(WINDOW_MS);
    const [first, second] = target.events();
    expect(second?.id).toBe(first?.id);
    emu.control.webhooks.setFaults(sub.id, { reorder: 2 });
    await notion.pages.update({ page_id: pageId, is_locked: false });
    await notion.pages.update({ page_id: pageId, is_locked: true });
    await elapse(WINDOW_MS);
    expect(
      target
        .events()
        .slice(2)
        .map((e) => e.type),
    ).toEqual(['page.locked', 'page.unlocked']);
    emu.control.webhooks.setFaults(sub.id, { drop: 1 });
    await notion.pages.update({ page_id: pageId, is_locked: false });
    await elapse(WINDOW_MS);
    expect(target.events()).toHaveLength(4);
    expect(emu.control.webhooks.deliveries().at(-1)).toMatchObject({ outcome: 'dropped' });
  });

  it('delays deliveries on the emulator clock', async () => {
    const target = await receiver();
    const { notion, pageId } = await tasks();
    const sub = await subscribed(target, { eventTypes: ['page.locked'] });
    emu.control.webhooks.setFaults(sub.id, { delayMs: 60_000 });
    await notion.pages.update({ page_id: pageId, is_locked: true });
    await elapse(59_000, 1_000);
    expect(target.events()).toHaveLength(0);
    await elapse(1_000);
    expect(target.events()).toHaveLength(1);
  });
});
