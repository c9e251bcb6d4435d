// Invariant: a webhook event is stored once per Notion event id, however often it is delivered.
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../shared/index.ts';
import { storeFactories } from './test-support/store-factories.ts';

describe.each(storeFactories())('webhook events on $name', (factory) => {
  it('dedupes by event id and tracks processing', async () => {
    const { store } = await factory.create();
    const event = {
      eventId: 'evt-1',
      type: 'page.properties_updated',
      entityId: 'p1',
      payload: { id: 'evt-1' },
    };
    expect(await store.webhookEvents.record(event)).toEqual({ inserted: true });
    expect(await store.webhookEvents.record({ ...event, payload: { id: 'changed' } })).toEqual({
      inserted: false,
    });
    await store.webhookEvents.record({ ...event, eventId: 'evt-2' });
    expect((await store.webhookEvents.listPending()).map((e) => e.eventId)).toEqual([
      'evt-1',
      'evt-2',
    ]);
    await store.webhookEvents.markProcessed('evt-1');
    await store.webhookEvents.markProcessed('evt-2', { error: 'page gone' });
    expect(await store.webhookEvents.listPending()).toEqual([]);
    expect(await store.webhookEvents.get('evt-1')).toMatchObject({
      state: 'processed',
      attempts: 1,
      payload: { id: 'evt-1' },
    });
    expect(await store.webhookEvents.get('evt-2')).toMatchObject({
      state: 'failed',
      lastError: 'page gone',
    });
  });
});

describe.each(storeFactories())('webhook event retries on $name', (factory) => {
  it('keeps a failed attempt pending until its retry time and reports counts per connection', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const { store } = await factory.create({ clock });
    const base = { type: 'page.created', entityId: 'p1', payload: {} };
    await store.webhookEvents.record({ ...base, eventId: 'a' });
    await clock.advance(1000);
    await store.webhookEvents.record({ ...base, eventId: 'b', connection: 'team' });
    await store.webhookEvents.markRetry('a', 'busy', new Date(clock.now() + 60_000).toISOString());
    expect((await store.webhookEvents.listDue()).map((e) => e.eventId)).toEqual(['b']);
    await clock.advance(60_000);
    expect((await store.webhookEvents.listDue()).map((e) => e.eventId)).toEqual(['a', 'b']);
    expect(await store.webhookEvents.get('a')).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'busy',
    });
    await store.webhookEvents.markProcessed('a', { error: 'gave up' });
    expect((await store.webhookEvents.listFailed()).map((e) => e.eventId)).toEqual(['a']);
    expect(await store.webhookEvents.countByState()).toEqual({
      pending: 1,
      processed: 0,
      failed: 1,
    });
    expect(await store.webhookEvents.lastReceived()).toEqual({
      default: '2026-01-01T00:00:00.000Z',
      team: '2026-01-01T00:00:01.000Z',
    });
  });
});
