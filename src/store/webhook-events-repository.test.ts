// Invariant: a webhook event is stored once per Notion event id, however often it is delivered.
import { describe, expect, it } from 'vitest';
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
