// Invariant: a record's history lists every version in order, and the diff of two versions names
// exactly the properties that changed, under their current names (renames keep history).
import { describe, expect, it } from 'vitest';
import { isNotionSyncError } from '../errors.ts';
import { diffFields } from './history-repository.ts';
import { pulledRow, TASKS_SCHEMA } from './test-support/pulled-rows.ts';
import { storeFactories } from './test-support/store-factories.ts';

describe('diffFields', () => {
  it('reports added, removed and changed properties only', () => {
    expect(
      diffFields({ a: 1, b: [1, 2], c: 'x' }, { a: 1, b: [1, 3], d: null }, { b: 'Bee' }),
    ).toEqual([
      { propertyId: 'b', name: 'Bee', change: 'changed', before: [1, 2], after: [1, 3] },
      { propertyId: 'c', name: 'c', change: 'removed', before: 'x', after: null },
      { propertyId: 'd', name: 'd', change: 'added', before: null, after: null },
    ]);
  });
});

describe.each(storeFactories())('history on $name', (factory) => {
  it('lists versions, reads one, and diffs two', async () => {
    const { store } = await factory.create();
    const { source } = await store.sources.upsert({
      name: 'tasks',
      kind: 'data_source',
      notionId: 'ds-1',
      schema: TASKS_SCHEMA,
    });
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [pulledRow('p1', { title: 'A', 'a%3Bb': 'Todo', 'n%40x': 1 })],
    });
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [pulledRow('p1', { title: 'A', 'a%3Bb': 'Done', 'n%40x': 1 }, { content: 'notes' })],
    });
    const renamed = {
      properties: {
        ...TASKS_SCHEMA.properties,
        'a%3Bb': { id: 'a%3Bb', name: 'Stage', type: 'select' },
      },
    };
    await store.sources.upsert({
      name: 'tasks',
      kind: 'data_source',
      notionId: 'ds-1',
      schema: renamed,
    });
    const [record] = await store.records.findByKey('p1');
    const versions = await store.history.listVersions(record!.id);
    expect(versions.map((v) => v.seq)).toEqual([1, 2]);
    expect((await store.history.getVersion(record!.id, 1))?.fields).toEqual({
      title: 'A',
      'a%3Bb': 'Todo',
      'n%40x': 1,
    });
    expect((await store.history.getVersionById(versions[1]!.id))?.content).toBe('notes');
    const diff = await store.history.diff(record!.id, 1, 2);
    expect(diff.properties).toEqual([
      { propertyId: 'a%3Bb', name: 'Stage', change: 'changed', before: 'Todo', after: 'Done' },
    ]);
    expect(diff.contentChanged).toBe(true);
    const missing = await store.history.diff(record!.id, 1, 9).catch((e: unknown) => e);
    expect(isNotionSyncError(missing) && missing.code).toBe('store_not_found');
  });
});
