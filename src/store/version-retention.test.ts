// Invariant: versions are append-only — a plain UPDATE or DELETE on them fails on every dialect —
// except through pruneVersions, the janitor's retention path, which keeps the newest versions and
// every version still referenced, and closes the path again when it commits.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { pulledRow } from './test-support/pulled-rows.ts';
import { storeFactories } from './test-support/store-factories.ts';

describe.each(storeFactories())('append-only versions on $name', (factory) => {
  async function setup() {
    const created = await factory.create();
    const { store } = created;
    const { source } = await store.sources.upsert({
      name: 'tasks',
      kind: 'data_source',
      notionId: 'ds-1',
    });
    for (let i = 1; i <= 5; i++) {
      await store.records.commitPullBatch({
        sourceId: source.id,
        rows: [pulledRow('p1', { title: `v${i}` })],
      });
    }
    const record = await store.records.findByPageId(source.id, 'p1');
    const versions = created.schema
      ? sql.table(`${created.schema}.versions`)
      : sql.table('ns_versions');
    return { ...created, source, record: record!, versions };
  }

  const triggerError = (dialect: string) =>
    dialect === 'sqlite' ? { code: 'SQLITE_CONSTRAINT_TRIGGER' } : { code: 'P0001' };

  it('refuses UPDATE and DELETE of versions', async () => {
    const { store, versions, record } = await setup();
    await expect(sql`update ${versions} set hash = 'x'`.execute(store.db)).rejects.toMatchObject(
      triggerError(factory.dialect),
    );
    await expect(sql`delete from ${versions}`.execute(store.db)).rejects.toMatchObject(
      triggerError(factory.dialect),
    );
    const list = await store.history.listVersions(record.id);
    expect(list.map((v) => v.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(list.every((v) => v.hash !== 'x')).toBe(true);
  });

  it('lets the retention path prune old versions, then closes it again', async () => {
    const { store, versions, record } = await setup();
    expect(await store.pruneVersions({ keepLatest: 2 })).toBe(3);
    expect((await store.history.listVersions(record.id)).map((v) => v.seq)).toEqual([4, 5]);
    await expect(sql`delete from ${versions}`.execute(store.db)).rejects.toMatchObject(
      triggerError(factory.dialect),
    );
    expect(
      await store.pruneVersions({ keepLatest: 1, olderThan: '2000-01-01T00:00:00.000Z' }),
    ).toBe(0);
  });

  it('never prunes a version an outbox item still needs', async () => {
    const { store, record } = await setup();
    const local = await store.local.appendVersion({
      recordId: record.id,
      fields: { title: 'local' },
      hash: 'h-local',
    });
    await store.local.appendVersion({
      recordId: record.id,
      fields: { title: 'local 2' },
      hash: 'h-local-2',
    });
    await store.local.appendVersion({
      recordId: record.id,
      fields: { title: 'local 3' },
      hash: 'h-local-3',
      op: 'delete',
    });
    await store.pruneVersions({ keepLatest: 1 });
    const seqs = (await store.history.listVersions(record.id)).map((v) => v.seq);
    expect(seqs).toContain(5);
    expect(seqs).toContain(8);
    expect(local.version.seq).toBe(6);
    expect(seqs).not.toContain(6);
  });
});
