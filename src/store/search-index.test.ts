// Invariant: the search index always describes the committed current version of each live
// record — a pull batch that changes a title or content, a local edit, a tombstone and a
// restore each update it in their own transaction (triggers on records), on every dialect.
import { describe, expect, it } from 'vitest';
import { hashValue } from '../shared/index.ts';
import { pulledRow, TASKS_SCHEMA } from './test-support/pulled-rows.ts';
import { storeFactories } from './test-support/store-factories.ts';

const P1 = '11111111-1111-4111-8111-111111111111';
const P2 = '22222222-2222-4222-8222-222222222222';

describe.each(storeFactories())('search index on $name', (factory) => {
  it('follows pulls, local edits, tombstones and restores', async () => {
    const { store } = await factory.create();
    const { source } = await store.sources.upsert({
      name: 'tasks',
      kind: 'data_source',
      notionId: 'ds1',
      schema: TASKS_SCHEMA,
    });
    const find = async (query: string) =>
      (await store.search.search({ query, limit: 10 })).map((h) => h.pageId);
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [
        pulledRow(
          P1,
          { title: 'Quarterly budget review' },
          { content: 'Numbers for the **zeppelin** fleet' },
        ),
        pulledRow(P2, { title: 'Team offsite' }, { content: 'Book the venue' }),
      ],
    });
    expect(await find('budget')).toEqual([P1]);
    expect(await find('zeppelin')).toEqual([P1]);
    const [hit] = await store.search.search({ query: 'zeppelin', limit: 1 });
    expect(hit!.snippet).toContain('«zeppelin»');
    expect(await find('team venue')).toEqual([P2]);
    expect(await find('budget venue')).toEqual([]);

    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [
        pulledRow(
          P1,
          { title: 'Annual plan' },
          { content: 'Numbers', editedAt: '2026-01-02T10:00:00.000Z' },
        ),
      ],
    });
    expect(await find('budget')).toEqual([]);
    expect(await find('annual')).toEqual([P1]);

    const record = (await store.records.findByPageId(source.id, P2))!;
    const fields = { title: 'Team offsite in Lisbon' };
    await store.local.appendVersion({
      recordId: record.id,
      fields,
      hash: hashValue(fields),
      payload: { set: fields },
    });
    expect(await find('lisbon')).toEqual([P2]);

    await store.records.tombstone({ sourceId: source.id, pageIds: [P1], state: 'trashed' });
    expect(await find('annual')).toEqual([]);
    await store.records.restore((await store.records.findByPageId(source.id, P1))!.id);
    expect(await find('annual')).toEqual([P1]);
    expect(
      await store.search.search({ query: 'annual', limit: 10, sourceIds: [source.id + 1] }),
    ).toEqual([]);
  });
});
