// Invariant: a create whose answer is lost ("applied, then failed": 504 or a dropped connection)
// is never sent again blindly — the sync key is looked up first — so N local creates end as
// exactly N pages, however every create fails; a pull that meets such a page before push does
// attaches it to its local record instead of making a second record. SQLite and PostgreSQL.
import type { PageObjectResponse } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/index.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPushFixture, PUSH_TEST_START_MS } from '../test-support/push-fixture.ts';
import { DEFAULT_SYNC_KEY_PROPERTY } from './push-types.ts';
import { readSyncKey } from './sync-key.ts';

async function keysInNotion(emu: Emulator, dataSourceId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let cursor: string | undefined;
  do {
    const page = await emu.client().dataSources.query({
      data_source_id: dataSourceId,
      page_size: 100,
      ...(cursor ? { start_cursor: cursor } : {}),
    });
    for (const row of page.results as PageObjectResponse[]) {
      const key = readSyncKey(row, DEFAULT_SYNC_KEY_PROPERTY);
      if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return counts;
}

describe.each(storeFactories().filter((f) => f.name !== 'sqlite-file'))(
  'creates on $name',
  (factory) => {
    it('1,000 creates with "apply, then fail" on each end as 1,000 pages, 0 duplicates', async () => {
      const clock = createManualClock(PUSH_TEST_START_MS);
      const emu = await createEmulator({ clock });
      const f = await createPushFixture(factory, emu, clock, { rows: 0 });
      await f.engine.pull();
      const keys: string[] = [];
      for (let i = 0; i < 1000; i++) {
        const edit = await f.engine.records.create('tasks', { Name: `c${i}`, N: i });
        keys.push(edit.record.localKey);
      }
      emu.control.setFaults([
        { route: 'POST /v1/pages', applyThenFail: 504, probability: 0.5 },
        { route: 'POST /v1/pages', applyThenFail: 'reset' },
      ]);
      const pushed = await f.engine.push();
      expect(pushed.sources[0]!.counts.adopted).toBe(1000);
      const creates = emu.control
        .requestLog()
        .filter((e) => e.route === 'POST /v1/pages' && e.status !== 200);
      expect(creates.length).toBe(1000);
      emu.control.clearFaults();
      const found = await keysInNotion(emu, f.dataSourceId);
      expect(found.size).toBe(1000);
      expect([...found.values()].every((n) => n === 1)).toBe(true);
      expect(keys.every((k) => found.has(k))).toBe(true);
      expect(await f.store.outbox.list({ state: 'pending' })).toEqual([]);
    }, 120_000);

    it('a create left in flight by a crash is looked up by its key, not sent again', async () => {
      const clock = createManualClock(PUSH_TEST_START_MS);
      const emu = await createEmulator({ clock });
      const f = await createPushFixture(factory, emu, clock, { rows: 1 });
      await f.engine.pull();
      await f.engine.records.create('tasks', { Name: 'warm-up', N: 0 });
      await f.engine.push(); // adds the key property
      const edit = await f.engine.records.create('tasks', { Name: 'crashed', N: 2 });
      // The crashed process had claimed the item and its create reached Notion.
      expect(await f.store.outbox.claim(edit.outboxId)).toBe(true);
      await emu.client().pages.create({
        parent: { data_source_id: f.dataSourceId },
        properties: {
          Name: { title: [{ text: { content: 'crashed' } }] },
          N: { number: 2 },
          [DEFAULT_SYNC_KEY_PROPERTY]: { rich_text: [{ text: { content: edit.record.localKey } }] },
        },
      });
      const pushed = await f.engine.push();
      expect(pushed.sources[0]!.counts).toMatchObject({ adopted: 1, created: 0 });
      expect((await keysInNotion(emu, f.dataSourceId)).get(edit.record.localKey)).toBe(1);
    });

    it('a pull that meets a page whose create answer was lost attaches it to its record', async () => {
      const clock = createManualClock(PUSH_TEST_START_MS);
      const emu = await createEmulator({ clock });
      const f = await createPushFixture(factory, emu, clock, { rows: 1 });
      await f.engine.pull();
      await f.engine.records.create('tasks', { Name: 'lost answer', N: 1 });
      // The create applies, its answer is lost, and the confirming lookup fails too.
      emu.control.setFaults([
        { route: 'POST /v1/pages', applyThenFail: 504, count: 1 },
        { route: 'POST /v1/data_sources/{id}/query', status: 503, count: 4 },
      ]);
      const pushed = await f.engine.push();
      expect(pushed.sources[0]!.counts.failed).toBe(1);
      emu.control.clearFaults();
      await clock.advance(5 * 60_000);
      const pulled = await f.engine.pull();
      expect(pulled.sources[0]!.counts.created).toBe(0);
      const records = await f.store.records.count((await f.store.sources.getByName('tasks'))!.id);
      expect(records.live).toBe(2);
      await f.engine.push();
      expect((await keysInNotion(emu, f.dataSourceId)).size).toBe(1);
      expect(await f.store.outbox.list({ state: 'pending' })).toEqual([]);
    });
  },
);
