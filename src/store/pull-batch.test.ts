// Invariants of commitPullBatch: a version is appended only when the hash differs (the overlap
// window never duplicates), the checkpoint moves in the same transaction as the rows (a failed
// batch moves neither), content not fetched is carried over, and a tombstoned page that shows up
// again is restored with its history continuing; a row whose hash under an earlier hashing rule
// equals the stored one is unchanged (its stored hash moves to the new rule).
import { describe, expect, it } from 'vitest';
import { isNotionSyncError } from '../errors.ts';
import { pulledRow, TASKS_SCHEMA } from './test-support/pulled-rows.ts';
import { storeFactories } from './test-support/store-factories.ts';

describe.each(storeFactories())('commitPullBatch on $name', (factory) => {
  async function setup() {
    const { store } = await factory.create();
    const { source } = await store.sources.upsert({
      name: 'tasks',
      kind: 'data_source',
      notionId: 'ds-1',
      schema: TASKS_SCHEMA,
    });
    return { store, source };
  }

  it('takes a row whose equivalentHash is the stored hash as unchanged and moves the stored hash', async () => {
    const { store, source } = await setup();
    const old = pulledRow('p1', { title: 'A' });
    await store.records.commitPullBatch({ sourceId: source.id, rows: [old] });
    const rehashed = { ...old, hash: 'new-rule-hash', equivalentHash: old.hash };
    const again = await store.records.commitPullBatch({ sourceId: source.id, rows: [rehashed] });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const record = (await store.records.findByPageId(source.id, 'p1'))!;
    expect(record.notionHash).toBe('new-rule-hash');
    expect((await store.history.listVersions(record.id)).length).toBe(1);
    const changed = { ...pulledRow('p1', { title: 'B' }), equivalentHash: `${old.hash}x` };
    const third = await store.records.commitPullBatch({ sourceId: source.id, rows: [changed] });
    expect(third.updated).toBe(1);
  });

  it('reports created, updated and unchanged rows and appends versions only on change', async () => {
    const { store, source } = await setup();
    const first = await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [pulledRow('p1', { title: 'A' }), pulledRow('p2', { title: 'B' })],
      checkpoint: { cursor: '2026-01-01T10:00:00.000Z', cursorPageId: 'p2' },
      provenance: { trigger: 'cli', requestId: 'req-1' },
    });
    expect(first.rows.map((r) => [r.pageId, r.outcome])).toEqual([
      ['p1', 'created'],
      ['p2', 'created'],
    ]);
    const second = await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [
        pulledRow('p1', { title: 'A' }),
        pulledRow('p2', { title: 'B2' }, { editedAt: '2026-01-01T10:01:00.000Z' }),
      ],
      checkpoint: { cursor: '2026-01-01T10:01:00.000Z', cursorPageId: 'p2' },
    });
    expect(second).toMatchObject({ created: 0, updated: 1, unchanged: 1, restored: 0 });
    const p2 = await store.records.findByPageId(source.id, 'p2');
    const versions = await store.history.listVersions(p2!.id);
    expect(versions.map((v) => [v.seq, v.fields.title, v.origin])).toEqual([
      [1, 'B', 'notion'],
      [2, 'B2', 'notion'],
    ]);
    expect(versions[0]?.requestId).toBe('req-1');
    expect(p2).toMatchObject({
      lastSeq: 2,
      currentVersionId: versions[1]?.id,
      baseVersionId: versions[1]?.id,
    });
    const p1 = await store.records.findByPageId(source.id, 'p1');
    expect((await store.history.listVersions(p1!.id)).length).toBe(1);
    expect(await store.checkpoints.read(source.id)).toMatchObject({
      cursor: '2026-01-01T10:01:00.000Z',
      cursorPageId: 'p2',
    });
  });

  it('moves neither rows nor checkpoint when the batch fails', async () => {
    const { store, source } = await setup();
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [pulledRow('p1', { title: 'A' })],
      checkpoint: { cursor: 'c1' },
    });
    const error = await store.records
      .commitPullBatch({
        sourceId: source.id,
        rows: [pulledRow('p2', { title: 'B' }), pulledRow('p2', { title: 'B again' })],
        checkpoint: { cursor: 'c2' },
      })
      .catch((e: unknown) => e);
    expect(isNotionSyncError(error) && error.code).toBe('store_invalid_state');
    const failing = await store.records
      .commitPullBatch({
        sourceId: 999_999,
        rows: [pulledRow('p3', { title: 'C' })],
        checkpoint: { cursor: 'c3' },
      })
      .catch((e: unknown) => e);
    expect(failing).toBeInstanceOf(Error);
    expect(await store.records.listPageIds(source.id)).toEqual(['p1']);
    expect((await store.checkpoints.read(source.id))?.cursor).toBe('c1');
  });

  it('keeps checkpoint keys that a batch does not mention', async () => {
    const { store, source } = await setup();
    await store.checkpoints.write(source.id, {
      lastCompleteReconcileAt: '2026-01-01T00:00:00.000Z',
      queryState: { startCursor: 'abc' },
    });
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [],
      checkpoint: { cursor: 'c1' },
    });
    expect(await store.checkpoints.read(source.id)).toMatchObject({
      cursor: 'c1',
      queryState: { startCursor: 'abc' },
      lastCompleteReconcileAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('carries content over when a row comes without content', async () => {
    const { store, source } = await setup();
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [pulledRow('p1', { title: 'A' }, { content: '# Hello' })],
    });
    const row = { ...pulledRow('p1', { title: 'A2' }), hash: 'other' };
    await store.records.commitPullBatch({ sourceId: source.id, rows: [row] });
    const record = await store.records.findByPageId(source.id, 'p1');
    const versions = await store.history.listVersions(record!.id);
    expect(versions.map((v) => v.content)).toEqual(['# Hello', '# Hello']);
  });

  it('tombstones without deleting and restores when the page shows up again', async () => {
    const { store, source } = await setup();
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [pulledRow('p1', { title: 'A' }), pulledRow('p2', { title: 'B' })],
    });
    expect(
      await store.records.tombstone({
        sourceId: source.id,
        pageIds: ['p1', 'p2'],
        state: 'trashed',
      }),
    ).toBe(2);
    expect(await store.records.listPageIds(source.id)).toEqual([]);
    expect(await store.records.count(source.id)).toEqual({ live: 0, tombstoned: 2 });
    const back = await store.records.commitPullBatch({
      sourceId: source.id,
      rows: [pulledRow('p1', { title: 'A' }), pulledRow('p2', { title: 'B edited' })],
    });
    expect(back.rows.map((r) => [r.outcome, r.restored])).toEqual([
      ['unchanged', true],
      ['updated', true],
    ]);
    const p2 = await store.records.findByPageId(source.id, 'p2');
    expect(p2?.tombstone).toBeNull();
    expect((await store.history.listVersions(p2!.id)).map((v) => v.seq)).toEqual([1, 2]);
    await store.records.tombstone({ sourceId: source.id, pageIds: ['p1'], state: 'missing' });
    const p1 = await store.records.findByPageId(source.id, 'p1');
    expect(p1?.tombstone).toBe('missing');
    expect(await store.records.restore(p1!.id)).toBe(true);
    expect(await store.records.restore(p1!.id)).toBe(false);
  });

  it('commits a batch larger than one statement can carry, with its checkpoint', async () => {
    const { store, source } = await setup();
    const rows = Array.from({ length: 3_000 }, (_, i) => pulledRow(`p${i}`, { title: `Row ${i}` }));
    const result = await store.records.commitPullBatch({
      sourceId: source.id,
      rows,
      checkpoint: { cursor: 'big' },
    });
    expect(result.created).toBe(3_000);
    expect(result.rows[2_999]).toMatchObject({ pageId: 'p2999', outcome: 'created' });
    expect(await store.records.count(source.id)).toEqual({ live: 3_000, tombstoned: 0 });
    expect((await store.checkpoints.read(source.id))?.cursor).toBe('big');
  });

  it('returns record states for the hash skip', async () => {
    const { store, source } = await setup();
    const row = pulledRow('p1', { title: 'A' });
    await store.records.commitPullBatch({ sourceId: source.id, rows: [row] });
    const states = await store.records.getStates(source.id, ['p1', 'nope']);
    expect([...states.keys()]).toEqual(['p1']);
    expect(states.get('p1')).toMatchObject({
      notionHash: row.hash,
      notionLastEditedTime: row.notionLastEditedTime,
      tombstone: null,
    });
  });

  it('lists page ids a page at a time, in page id order, live ones only', async () => {
    const { store, source } = await setup();
    const ids = ['p5', 'p1', 'p4', 'p2', 'p3'];
    await store.records.commitPullBatch({
      sourceId: source.id,
      rows: ids.map((id) => pulledRow(id, { title: id })),
    });
    await store.records.tombstone({ sourceId: source.id, pageIds: ['p3'], state: 'trashed' });
    const first = await store.records.listPageIds(source.id, { limit: 2 });
    const second = await store.records.listPageIds(source.id, { after: first.at(-1)!, limit: 2 });
    const rest = await store.records.listPageIds(source.id, { after: second.at(-1)!, limit: 2 });
    expect([first, second, rest]).toEqual([['p1', 'p2'], ['p4', 'p5'], []]);
  });
});
