// Invariant: `findByKey` finds a page's records in every source, and a local record by its key,
// through the (source_id, page_id) and (source_id, local_key) indexes (migration 0010 dropped
// the index on page_id alone).
import { describe, expect, it } from 'vitest';
import { pulledRow, TASKS_SCHEMA } from './test-support/pulled-rows.ts';
import { storeFactories } from './test-support/store-factories.ts';

describe.each(storeFactories())('records.findByKey on $name', (factory) => {
  it('finds a page in every source and a local record by its key', async () => {
    const { store } = await factory.create();
    const sourceIds: number[] = [];
    for (const name of ['tasks', 'tasks-copy']) {
      const { source } = await store.sources.upsert({
        name,
        kind: 'data_source',
        notionId: `ds-${name}`,
        schema: TASKS_SCHEMA,
      });
      sourceIds.push(source.id);
      await store.records.commitPullBatch({
        sourceId: source.id,
        rows: [pulledRow('p1', { title: name }), pulledRow(`other-${name}`, { title: 'x' })],
      });
    }
    const local = await store.local.createRecord({
      sourceId: sourceIds[0]!,
      fields: { title: 'new' },
      hash: 'h-new',
      localKey: 'key-1',
    });
    const byPage = await store.records.findByKey('p1');
    expect(byPage.map((r) => r.sourceId)).toEqual(sourceIds);
    expect(byPage.every((r) => r.pageId === 'p1')).toBe(true);
    expect((await store.records.findByKey('key-1')).map((r) => r.id)).toEqual([local.record.id]);
    expect(await store.records.findByKey('absent')).toEqual([]);
  });
});
