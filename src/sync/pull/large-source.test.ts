// Invariant: a source past Notion's 10,000-row query cap is copied completely, at close to the
// minimum number of query calls (one per 100 rows plus one per created_time window split), and
// the next incremental pull after 10 edits writes exactly 10 versions with at most 2 queries;
// an incremental pull with more changes than the cap continues in created_time windows; 25,000
// rows created in ONE minute (a CSV import) are pulled completely, split by a number property.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness } from '../test-support/pull-harness.ts';

const ROWS = 25_000;
const isQuery = (e: { method: string; path: string }) =>
  e.method === 'POST' && /^\/v1\/data_sources\/[^/]+\/query$/.test(e.path);
const factories = storeFactories().filter((f) => f.name !== 'sqlite-memory');

describe.each(factories)('a 25,000-row source on $name', (factory) => {
  it('is pulled completely near the minimum query count, then incrementally', async () => {
    const clock = createManualClock(Date.UTC(2026, 1, 1, 0, 0, 0));
    const emu = await createEmulator({ clock });
    const dsId = await createDataSource(emu.client(), emu.rootPageId, {
      Name: { title: {} },
      N: { number: {} },
    });
    const ids: string[] = [];
    // 100 rows a minute, as a team creates them over days; created_time is minute-granular.
    for (let start = 0; start < ROWS; start += 100) {
      const chunk = Array.from({ length: 100 }, (_, i) => ({
        Name: { title: [{ text: { content: `row ${start + i}` } }] },
        N: { number: start + i },
      }));
      ids.push(...emu.control.bulkCreatePages(dsId, chunk));
      await clock.advance(60_000);
    }
    await clock.advance(10 * 60_000);
    const h = await createPullHarness(factory, emu, [{ name: 'big', dataSource: dsId }], clock);
    emu.control.clearRequestLog();
    const full = await h.engine.pull();
    const queries = emu.control.requestLog().filter(isQuery).length;
    const splits = Math.ceil(ROWS / 10_000) - 1;
    expect(full.sources[0]).toMatchObject({ status: 'ok', counts: { created: ROWS } });
    expect(queries).toBeLessThanOrEqual(Math.ceil(1.02 * Math.ceil(ROWS / 100)) + splits);
    expect(queries).toBeGreaterThanOrEqual(ROWS / 100);
    const source = (await h.store.sources.getByName('big'))!;
    expect(await h.store.records.count(source.id)).toEqual({ live: ROWS, tombstoned: 0 });

    await clock.advance(60_000);
    for (const id of ids.filter((_, i) => i % 2500 === 7))
      emu.control.editAsUser(id, { N: { number: -1 } });
    await clock.advance(60_000);
    emu.control.clearRequestLog();
    const incremental = await h.engine.pull();
    expect(incremental.sources[0]!.counts).toMatchObject({ created: 0, updated: 10 });
    expect(emu.control.requestLog().filter(isQuery).length).toBeOneOf([1, 2]);

    // More changed rows than one query returns: the incremental pull continues in windows.
    await clock.advance(60_000);
    for (const id of ids.slice(0, 10_050)) emu.control.editAsUser(id, { N: { number: -2 } });
    await clock.advance(60_000);
    const capped = await h.engine.pull();
    expect(capped.sources[0]!.counts).toMatchObject({ created: 0, updated: 10_050 });
    expect(capped.sources[0]!.gaps.cappedQueries).toBe(1);
  }, 150_000);
});

// The split of a dense minute happens in the notion layer, the same for every dialect: one
// file store keeps this test's runtime low.
describe('a minute holding 25,000 rows', () => {
  it('is pulled completely, split by a property the data allows', async () => {
    const clock = createManualClock(Date.UTC(2026, 1, 2, 0, 0, 0));
    const emu = await createEmulator({ clock });
    const dsId = await createDataSource(emu.client(), emu.rootPageId, {
      Name: { title: {} },
      N: { number: {} },
    });
    emu.control.bulkCreatePages(
      dsId,
      Array.from({ length: ROWS }, (_, i) => ({
        Name: { title: [{ text: { content: `row ${i}` } }] },
        N: { number: i },
      })),
    );
    await clock.advance(10 * 60_000);
    const factory = factories.find((f) => f.name === 'sqlite-file')!;
    const h = await createPullHarness(factory, emu, [{ name: 'csv', dataSource: dsId }], clock);
    const pulled = await h.engine.pull();
    expect(pulled.sources[0]).toMatchObject({
      status: 'ok',
      counts: { created: ROWS, fetched: ROWS },
      gaps: { unreachableMinutes: 0 },
    });
    const source = (await h.store.sources.getByName('csv'))!;
    expect(await h.store.records.count(source.id)).toEqual({ live: ROWS, tombstoned: 0 });
  }, 150_000);
});
