// Invariant: every incremental pull reads the data source's trash — rows trashed in Notion leave
// the source's view on the next plain pull, whatever the source's size, and a restored row comes
// back with its history continuing — while an idle pull costs at most 2 calls (the incremental
// query and the trash listing) and the complete listing keeps its `reconcile` interval.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { createManualClock, type ManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness, type PullHarness } from '../test-support/pull-harness.ts';

const title = (content: string) => ({ title: [{ text: { content } }] });
const factories = storeFactories().filter((f) => f.name !== 'sqlite-memory');

interface Seeded {
  emu: Emulator;
  clock: ManualClock;
  dsId: string;
  ids: string[];
}

async function seeded(rows: number): Promise<Seeded> {
  const clock = createManualClock(Date.UTC(2026, 4, 4, 9, 0, 0));
  const emu = await createEmulator({ clock });
  const dsId = await createDataSource(emu.client(), emu.rootPageId, {
    Name: { title: {} },
    N: { number: {} },
  });
  const ids: string[] = [];
  for (let start = 0; start < rows; start += 500) {
    const chunk = Array.from({ length: Math.min(500, rows - start) }, (_, i) => ({
      Name: title(`row ${start + i}`),
      N: { number: start + i },
    }));
    ids.push(...emu.control.bulkCreatePages(dsId, chunk));
    await clock.advance(60_000);
  }
  await clock.advance(10 * 60_000);
  return { emu, clock, dsId, ids };
}

describe.each(factories)('the trash on every pull on $name', (factory) => {
  async function setup(rows: number) {
    const { emu, clock, dsId, ids } = await seeded(rows);
    const h = await createPullHarness(factory, emu, [{ name: 'big', dataSource: dsId }], clock);
    expect((await h.engine.pull()).ok).toBe(true);
    await clock.advance(5 * 60_000);
    return { emu, clock, ids, h };
  }

  const viewIds = async (h: PullHarness) => {
    const source = (await h.store.sources.getByName('big'))!;
    const table = h.testStore.schema
      ? sql.table(`${h.testStore.schema}.${source.viewName}`)
      : sql.table(source.viewName!);
    const rows = await sql<{ _page_id: string }>`select _page_id from ${table}`.execute(h.store.db);
    return new Set(rows.rows.map((r) => r._page_id));
  };

  it('5 rows trashed in a 2,500-row source leave the view on the next plain pull; a restored one comes back with its history', async () => {
    const { emu, clock, ids, h } = await setup(2_500);
    const notion = emu.client();
    const trashed = [ids[3]!, ids[700]!, ids[1_200]!, ids[1_999]!, ids[2_499]!];
    for (const id of trashed) await notion.pages.update({ page_id: id, in_trash: true });
    await clock.advance(60_000);
    const pulled = await h.engine.pull();
    expect(pulled.sources[0]).toMatchObject({
      status: 'ok',
      mode: 'incremental',
      reconciled: false,
      counts: { deleted: 5 },
    });
    const view = await viewIds(h);
    expect(view.size).toBe(2_495);
    for (const id of trashed) expect(view.has(id)).toBe(false);
    const source = (await h.store.sources.getByName('big'))!;
    const record = (await h.store.records.findByPageId(source.id, ids[700]!))!;
    expect(record.tombstone).toBe('trashed');

    // Restored without any edit: nothing relies on restoring bumping last_edited_time.
    await notion.pages.update({ page_id: ids[700]!, in_trash: false });
    await clock.advance(60_000);
    const again = await h.engine.pull();
    expect(again.sources[0]!.counts).toMatchObject({ restored: 1, deleted: 0 });
    expect((await viewIds(h)).has(ids[700]!)).toBe(true);
    const versions = await h.store.history.listVersions(record.id);
    expect(versions.map((v) => v.seq)).toEqual([1]);
    expect((await h.store.records.get(record.id))!.tombstone).toBeNull();
    expect((await h.store.records.count(source.id)).tombstoned).toBe(4);
  }, 60_000);

  it('an idle pull of a 5,000-row source makes at most 2 calls; the complete listing waits for its interval', async () => {
    const { emu, clock, h } = await setup(5_000);
    emu.control.clearRequestLog();
    const idle = await h.engine.pull();
    expect(idle.sources[0]).toMatchObject({ status: 'ok', reconciled: false });
    expect(emu.control.requestLog().length).toBeLessThanOrEqual(2);
    expect(idle.sources[0]!.counts.fetched).toBe(0);

    await clock.advance(6 * 3_600_000);
    const due = await h.engine.pull();
    expect(due.sources[0]).toMatchObject({ status: 'ok', reconciled: true });
    // The complete listing replaces the incremental query: every row is listed once.
    expect(due.sources[0]!.counts.fetched).toBe(5_000);
  }, 60_000);
});
