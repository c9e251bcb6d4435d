// Invariant: listings resume where a crashed run stopped, and request sums are attributed to the
// run (async context) that made them, even when runs share one connection.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { createManualClock } from '../shared/index.ts';
import type { AllRowsPosition } from './data-source-rows.ts';
import { createNotionClient } from './notion-client.ts';

async function setup() {
  const clock = createManualClock();
  const emulator = await createEmulator({ clock, rateLimit: false });
  const client = createNotionClient({
    token: emulator.token,
    baseUrl: emulator.baseUrl,
    fetch: emulator.fetch,
    clock,
    pacing: { requestsPerSecond: 100_000, burst: 100_000, maxInFlight: 16 },
  });
  return { clock, emulator, client };
}

describe('iterators against the emulator', () => {
  it('resumes a full enumeration from a saved position without losing rows', async () => {
    const { clock, emulator, client } = await setup();
    const dataSourceId = await createDataSource(
      client,
      emulator.rootPageId,
      { Name: { title: {} } },
      'Rows',
    );
    const all = new Set<string>();
    for (let minute = 0; minute < 3; minute++) {
      for (const id of emulator.control.bulkCreatePages(
        dataSourceId,
        Array.from({ length: 150 }, () => ({})),
      ))
        all.add(id);
      await clock.advance(60_000);
    }
    const seen = new Set<string>();
    let position: AllRowsPosition | null = null;
    // "Crash" after every second page and start again from the saved position.
    for (let run = 0; run < 20; run++) {
      let pages = 0;
      for await (const page of client.iterateAllDataSourceRowPages(dataSourceId, {
        pageSize: 100,
        resume: position ?? undefined,
      })) {
        for (const row of page.results) seen.add(row.id);
        position = page.next;
        if (++pages === 2) break;
      }
      if (position === null) break;
    }
    expect(position).toBeNull();
    expect(seen).toStrictEqual(all);
  });

  it('lists search results and users to the end', async () => {
    const { emulator, client } = await setup();
    for (let i = 0; i < 3; i++)
      emulator.control.createUser({ name: `U${i}`, email: `u${i}@example.com` });
    const users = [];
    for await (const user of client.iterateUsers()) users.push(user);
    expect(users.filter((u) => u.type === 'person').length).toBeGreaterThanOrEqual(3);
    const titles = Array.from({ length: 120 }, (_, i) => `Findable ${i}`);
    for (const title of titles) {
      await client.pages.create({
        parent: { page_id: emulator.rootPageId },
        properties: { title: { title: [{ text: { content: title } }] } },
      });
    }
    const found = [];
    for await (const result of client.iterateSearch({
      query: 'Findable',
      filter: { property: 'object', value: 'page' },
    }))
      found.push(result.id);
    expect(new Set(found).size).toBe(120);
    expect(client.stats().byEndpoint['POST /v1/search']?.calls).toBe(2);
  });

  it('attributes requests to the run that made them', async () => {
    const { emulator, client } = await setup();
    const runA = client.withRequestStats(async () => {
      for (let i = 0; i < 3; i++) await client.pages.retrieve({ page_id: emulator.rootPageId });
    });
    const runB = client.withRequestStats(async () => {
      await client.users.me();
    });
    const [a, b] = await Promise.all([runA, runB]);
    expect(a.stats.calls).toBe(3);
    expect(Object.keys(a.stats.byEndpoint)).toStrictEqual(['GET /v1/pages/{id}']);
    expect(b.stats.calls).toBe(1);
    expect(Object.keys(b.stats.byEndpoint)).toStrictEqual(['GET /v1/users/me']);
    expect(client.stats().calls).toBe(4);
    expect(client.resetStats().calls).toBe(4);
    expect(client.stats().calls).toBe(0);
  });
});
