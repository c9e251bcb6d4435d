// Invariant: rows in Notion's trash are tombstoned `trashed` by the next pull (its trash
// listing); rows gone for good are tombstoned `missing` only after a complete listing (or after
// leaving the trash) and a confirming retrieve; a restored row continues its history; a source
// that becomes unreachable as a whole is marked `access_lost` and none of its rows is tombstoned.
import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { createManualClock, type ManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness, type PullHarness } from '../test-support/pull-harness.ts';

// The engine's default `reconcile` interval: the complete listing that finds missing rows.
const RECONCILE_INTERVAL_MS = 6 * 3_600_000;
const title = (content: string) => ({ title: [{ text: { content } }] });

interface Setup {
  emu: Emulator;
  clock: ManualClock;
  dsId: string;
  ids: string[];
  h: PullHarness;
}

describe.each(storeFactories())('reconcile on $name', (factory) => {
  async function setup(): Promise<Setup> {
    const clock = createManualClock(Date.UTC(2026, 3, 3, 8, 0, 0));
    const emu = await createEmulator({ clock });
    const dsId = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
    const ids = emu.control.bulkCreatePages(
      dsId,
      Array.from({ length: 40 }, (_, i) => ({ Name: title(`row ${i}`) })),
    );
    await clock.advance(10 * 60_000);
    const h = await createPullHarness(factory, emu, [{ name: 'rows', dataSource: dsId }], clock);
    expect((await h.engine.pull()).ok).toBe(true);
    await clock.advance(5 * 60_000);
    return { emu, clock, dsId, ids, h };
  }

  const rowsOf = async (h: PullHarness) => {
    const source = (await h.store.sources.getByName('rows'))!;
    return { source, counts: await h.store.records.count(source.id) };
  };

  it('tombstones 5 trashed rows as trashed, and restores one with its history continuing', async () => {
    const { emu, clock, ids, h } = await setup();
    const notion = emu.client();
    for (const id of ids.slice(0, 5)) await notion.pages.update({ page_id: id, in_trash: true });
    await clock.advance(60_000);
    const pulled = await h.engine.pull();
    expect(pulled.sources[0]!.counts.deleted).toBe(5);
    const { source, counts } = await rowsOf(h);
    expect(counts).toEqual({ live: 35, tombstoned: 5 });
    for (const id of ids.slice(0, 5)) {
      expect((await h.store.records.findByPageId(source.id, id))!.tombstone).toBe('trashed');
    }

    await notion.pages.update({ page_id: ids[0]!, in_trash: false });
    emu.control.editAsUser(ids[0]!, { Name: title('back again') });
    await clock.advance(60_000);
    const again = await h.engine.pull();
    expect(again.sources[0]!.counts).toMatchObject({ restored: 1, deleted: 0 });
    const record = (await h.store.records.findByPageId(source.id, ids[0]!))!;
    expect(record.tombstone).toBeNull();
    const versions = await h.store.history.listVersions(record.id);
    expect(versions.map((v) => v.seq)).toEqual([1, 2]);
    expect((await rowsOf(h)).counts).toEqual({ live: 36, tombstoned: 4 });
  });

  it('marks rows whose trash was emptied as missing: seen trashed first, or at the reconcile interval', async () => {
    const { emu, clock, ids, h } = await setup();
    const notion = emu.client();
    await notion.pages.update({ page_id: ids[6]!, in_trash: true });
    await clock.advance(60_000);
    await h.engine.pull();
    const { source } = await rowsOf(h);
    const tombstoneOf = async (id: string) =>
      (await h.store.records.findByPageId(source.id, id))!.tombstone;
    expect(await tombstoneOf(ids[6]!)).toBe('trashed');

    // Gone from the trash: the next plain pull confirms it by a retrieve (404 → missing).
    await notion.pages.update({ page_id: ids[7]!, in_trash: true });
    emu.control.emptyTrash();
    await clock.advance(60_000);
    const plain = await h.engine.pull();
    expect(plain.sources[0]!.reconciled).toBe(false);
    expect(await tombstoneOf(ids[6]!)).toBe('missing');
    // Never seen in the trash: only the complete listing of the reconcile interval finds it.
    expect(await tombstoneOf(ids[7]!)).toBeNull();
    await clock.advance(RECONCILE_INTERVAL_MS);
    const reconciled = await h.engine.pull();
    expect(reconciled.sources[0]!.reconciled).toBe(true);
    expect(await tombstoneOf(ids[7]!)).toBe('missing');
  });

  it('finds rows gone for good on both sides of a page of stored ids (5,000 a page)', async () => {
    const clock = createManualClock(Date.UTC(2026, 3, 3, 8, 0, 0));
    const emu = await createEmulator({ clock });
    const dsId = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
    const ids = emu.control
      .bulkCreatePages(
        dsId,
        Array.from({ length: 5_010 }, (_, i) => ({ Name: title(`row ${i}`) })),
      )
      .sort();
    await clock.advance(10 * 60_000);
    const h = await createPullHarness(factory, emu, [{ name: 'rows', dataSource: dsId }], clock);
    expect((await h.engine.pull()).ok).toBe(true);
    // The first stored id and one in the second page; emptied from the trash, so only the
    // complete listing's comparison with the stored ids can find them.
    const gone = [ids[0]!, ids[5_004]!];
    for (const id of gone) await emu.client().pages.update({ page_id: id, in_trash: true });
    emu.control.emptyTrash();
    await clock.advance(RECONCILE_INTERVAL_MS + 60_000);
    const reconciled = await h.engine.pull();
    expect(reconciled.sources[0]).toMatchObject({ reconciled: true, counts: { deleted: 2 } });
    const { source, counts } = await rowsOf(h);
    expect(counts).toEqual({ live: 5_008, tombstoned: 2 });
    for (const id of gone)
      expect((await h.store.records.findByPageId(source.id, id))!.tombstone).toBe('missing');
  }, 120_000);

  it('marks the source access_lost and tombstones nothing when the database is unshared', async () => {
    const { emu, clock, h } = await setup();
    // The database is shared through its parent page, as in a real workspace.
    emu.control.unshare(emu.rootPageId);
    await clock.advance(60_000);
    const pulled = await h.engine.pull();
    expect(pulled.ok).toBe(false);
    expect(pulled.sources[0]).toMatchObject({ status: 'access_lost', counts: { deleted: 0 } });
    const { source, counts } = await rowsOf(h);
    expect(source.accessState).toBe('access_lost');
    expect(counts).toEqual({ live: 40, tombstoned: 0 });
    const [run] = await h.engine.runs({ source: 'rows', limit: 1 });
    expect(run).toMatchObject({
      status: 'failed',
      errors: [expect.objectContaining({ code: 'access_lost' })],
    });

    emu.control.share(emu.rootPageId);
    await clock.advance(60_000);
    expect((await h.engine.pull()).ok).toBe(true);
    expect((await rowsOf(h)).source.accessState).toBe('ok');
  });

  it('marks the source access_lost and tombstones nothing when the token is revoked', async () => {
    const { emu, clock, h } = await setup();
    emu.control.revokeToken(emu.token);
    await clock.advance(60_000);
    const pulled = await h.engine.pull();
    expect(pulled.sources[0]!.status).toBe('access_lost');
    expect((await rowsOf(h)).counts).toEqual({ live: 40, tombstoned: 0 });
  });
  it('writes no missing tombstone when the source becomes unreachable between listing and confirming', async () => {
    const { emu, clock, ids, h } = await setup();
    await emu.client().pages.update({ page_id: ids[3]!, in_trash: true });
    emu.control.emptyTrash();
    await clock.advance(RECONCILE_INTERVAL_MS);
    const pulled = await h.engine.pull(undefined, {
      onProgress: (p) => {
        if (p.phase === 'reconcile') emu.control.unshare(emu.rootPageId);
      },
    });
    expect(pulled.sources[0]).toMatchObject({ status: 'access_lost', counts: { deleted: 0 } });
    expect((await rowsOf(h)).counts).toEqual({ live: 40, tombstoned: 0 });
  });
});
