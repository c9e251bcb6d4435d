// Invariants of local edits and the outbox: an edit and its outbox row commit together; a newer
// edit is absorbed by a pending item of the same record; failures back off and dead-letter after
// the last attempt; completing a push records Notion's state so the next pull sees no change.
import { describe, expect, it } from 'vitest';
import { isNotionSyncError } from '../errors.ts';
import { createManualClock } from '../shared/index.ts';
import { computeBackoffMs } from './backoff.ts';
import { pulledRow } from './test-support/pulled-rows.ts';
import { storeFactories } from './test-support/store-factories.ts';

describe('computeBackoffMs', () => {
  it('doubles from 2 s and caps at 10 min', () => {
    expect([1, 2, 3, 4].map((n) => computeBackoffMs(n))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(computeBackoffMs(50)).toBe(600_000);
  });
});

describe.each(storeFactories())('local edits and outbox on $name', (factory) => {
  async function setup() {
    const clock = createManualClock(Date.parse('2026-02-01T00:00:00.000Z'));
    const { store } = await factory.create({ clock });
    const { source } = await store.sources.upsert({
      name: 'tasks',
      kind: 'data_source',
      notionId: 'ds-1',
      direction: 'both',
    });
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [pulledRow('p1', { title: 'A', status: 'Todo' })],
    });
    const record = (await store.records.findByPageId(source.id, 'p1'))!;
    return { store, source, record, clock };
  }

  it('appends a local version with its outbox row and absorbs newer edits', async () => {
    const { store, record } = await setup();
    const first = await store.local.appendVersion({
      recordId: record.id,
      fields: { title: 'B', status: 'Todo' },
      hash: 'h1',
      payload: { title: 'B' },
    });
    expect(first.version).toMatchObject({ seq: 2, origin: 'local' });
    expect(first.outbox).toMatchObject({
      op: 'update',
      state: 'pending',
      versionId: first.version.id,
      syncKey: 'p1',
      payload: { title: 'B' },
    });
    expect(first.record).toMatchObject({
      currentVersionId: first.version.id,
      baseVersionId: record.baseVersionId,
    });
    const second = await store.local.appendVersion({
      recordId: record.id,
      fields: { title: 'C', status: 'Todo' },
      hash: 'h2',
    });
    expect(second.outbox.id).toBe(first.outbox.id);
    expect(second.outbox.versionId).toBe(second.version.id);
    expect((await store.outbox.list()).length).toBe(1);
    const error = await store.local
      .appendVersion({ recordId: 424242, fields: {}, hash: 'x' })
      .catch((e: unknown) => e);
    expect(isNotionSyncError(error) && error.code).toBe('store_not_found');
  });

  it('keeps the base version while a local edit is pending, even when a pull brings a change', async () => {
    const { store, source, record } = await setup();
    await store.local.appendVersion({
      recordId: record.id,
      fields: { title: 'local', status: 'Todo' },
      hash: 'h1',
    });
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [pulledRow('p1', { title: 'A', status: 'Done' })],
    });
    const after = await store.records.get(record.id);
    expect(after?.baseVersionId).toBe(record.baseVersionId);
    expect(after?.lastSeq).toBe(3);
  });

  it('creates a local record with a create item carrying its sync key', async () => {
    const { store, source } = await setup();
    const created = await store.local.createRecord({
      sourceId: source.id,
      fields: { title: 'New' },
      hash: 'hn',
      localKey: 'key-1',
    });
    expect(created.record).toMatchObject({ pageId: null, localKey: 'key-1', lastSeq: 1 });
    expect(created.outbox).toMatchObject({ op: 'create', syncKey: 'key-1' });
    const edit = await store.local.appendVersion({
      recordId: created.record.id,
      fields: { title: 'Newer' },
      hash: 'hn2',
    });
    expect(edit.outbox).toMatchObject({
      id: created.outbox.id,
      op: 'create',
      versionId: edit.version.id,
    });
    const done = await store.outbox.complete({
      outboxId: created.outbox.id,
      pageId: 'p-new',
      notionState: {
        fields: { title: 'Newer' },
        hash: 'hn2',
        notionLastEditedTime: '2026-02-01T00:00:00.000Z',
      },
    });
    expect(done.outbox.state).toBe('done');
    expect(done.version).toMatchObject({ origin: 'push', seq: 3 });
    expect(await store.records.get(created.record.id)).toMatchObject({
      pageId: 'p-new',
      notionHash: 'hn2',
      baseVersionId: done.version?.id,
    });
    const pulled = await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [{ ...pulledRow('p-new', { title: 'Newer' }), hash: 'hn2' }],
    });
    expect(pulled.rows[0]).toMatchObject({ recordId: created.record.id, outcome: 'unchanged' });
  });

  it('lists due items, backs off after failures, dead-letters and requeues', async () => {
    const { store, record, clock } = await setup();
    const { outbox } = await store.local.appendVersion({
      recordId: record.id,
      fields: { title: 'B' },
      hash: 'h1',
    });
    expect((await store.outbox.listDue()).map((i) => i.id)).toEqual([outbox.id]);
    expect(await store.outbox.claim(outbox.id)).toBe(true);
    expect(await store.outbox.claim(outbox.id)).toBe(false);
    expect(await store.outbox.listDue()).toEqual([]);
    const failed = await store.outbox.recordFailure(outbox.id, {
      error: '502 from Notion',
      maxAttempts: 2,
    });
    expect(failed).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: '502 from Notion',
      nextAttemptAt: '2026-02-01T00:00:02.000Z',
    });
    expect(await store.outbox.listDue()).toEqual([]);
    await clock.advance(2_000);
    expect((await store.outbox.listDue()).map((i) => i.id)).toEqual([outbox.id]);
    const dead = await store.outbox.recordFailure(outbox.id, { error: 'again', maxAttempts: 2 });
    expect(dead).toMatchObject({ state: 'dead', attempts: 2 });
    expect(await store.outbox.listDue()).toEqual([]);
    expect((await store.outbox.list({ state: 'dead' })).map((i) => i.lastError)).toEqual(['again']);
    expect(await store.outbox.requeueDead()).toBe(1);
    expect((await store.outbox.listDue()).map((i) => [i.id, i.attempts])).toEqual([[outbox.id, 0]]);
    await store.outbox.claim(outbox.id);
    expect(await store.outbox.requeueInFlight()).toBe(1);
    const permanent = await store.outbox.recordFailure(outbox.id, {
      error: 'validation',
      retryable: false,
    });
    expect(permanent.state).toBe('dead');
  });

  it('tombstones the record when a delete is pushed', async () => {
    const { store, record } = await setup();
    const { outbox } = await store.local.appendVersion({
      recordId: record.id,
      fields: { title: 'A' },
      hash: 'h',
      op: 'delete',
    });
    expect(outbox.op).toBe('delete');
    await store.outbox.complete({ outboxId: outbox.id });
    expect((await store.records.get(record.id))?.tombstone).toBe('trashed');
    const again = await store.outbox.complete({ outboxId: outbox.id }).catch((e: unknown) => e);
    expect(isNotionSyncError(again) && again.code).toBe('store_invalid_state');
  });
});
