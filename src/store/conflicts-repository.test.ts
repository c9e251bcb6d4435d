// Invariant: at most one open conflict per record and property; resolving records the choice
// and who made it, once.
import { describe, expect, it } from 'vitest';
import { isNotionSyncError } from '../errors.ts';
import { pulledRow } from './test-support/pulled-rows.ts';
import { storeFactories } from './test-support/store-factories.ts';

describe.each(storeFactories())('conflicts on $name', (factory) => {
  it('opens, refreshes, lists by source and resolves conflicts', async () => {
    const { store } = await factory.create();
    const { source } = await store.sources.upsert({
      name: 'tasks',
      kind: 'data_source',
      notionId: 'ds-1',
    });
    const { source: other } = await store.sources.upsert({
      name: 'notes',
      kind: 'data_source',
      notionId: 'ds-2',
    });
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [pulledRow('p1', { s: 'a' })],
    });
    const record = (await store.records.findByPageId(source.id, 'p1'))!;
    const input = {
      recordId: record.id,
      propertyId: 's',
      propertyName: 'Status',
      baseValue: 'a',
      notionValue: 'b',
      localValue: 'c',
    };
    const first = await store.conflicts.open(input);
    const again = await store.conflicts.open({ ...input, notionValue: 'b2' });
    expect(again.id).toBe(first.id);
    expect(again.notionValue).toBe('b2');
    await store.conflicts.open({
      ...input,
      propertyId: 't',
      propertyName: 'Tags',
      notionValue: ['x'],
      localValue: null,
    });
    expect((await store.conflicts.list({ sourceId: source.id })).map((c) => c.propertyId)).toEqual([
      's',
      't',
    ]);
    expect(await store.conflicts.list({ sourceId: other.id })).toEqual([]);
    const resolved = await store.conflicts.resolve(first.id, { take: 'local', resolvedBy: 'cli' });
    expect(resolved).toMatchObject({
      state: 'resolved',
      resolution: 'local',
      resolvedValue: 'c',
      resolvedBy: 'cli',
    });
    expect((await store.conflicts.list()).map((c) => c.propertyId)).toEqual(['t']);
    expect((await store.conflicts.list({ state: 'all' })).length).toBe(2);
    const twice = await store.conflicts
      .resolve(first.id, { take: 'notion', resolvedBy: 'cli' })
      .catch((e: unknown) => e);
    expect(isNotionSyncError(twice) && twice.code).toBe('store_invalid_state');
    const reopened = await store.conflicts.open(input);
    expect(reopened.id).not.toBe(first.id);
    const byValue = await store.conflicts.resolve(reopened.id, {
      take: 'value',
      value: { n: 1 },
      resolvedBy: 'api',
    });
    expect(byValue.resolvedValue).toEqual({ n: 1 });
  });
});
