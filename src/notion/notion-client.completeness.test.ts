// Invariant: nothing Notion cuts short is passed off as complete: long relations and people lists
// are completed through the property item endpoint, and a data source past the 10,000-row query
// cap enumerates every row exactly once.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { createManualClock } from '../shared/index.ts';
import { createNotionClient } from './notion-client.ts';
import { decodeProperties } from './property-decoder.ts';

const fastPacing = { requestsPerSecond: 100_000, burst: 100_000, maxInFlight: 16 };

describe('completeness against the emulator', () => {
  it('completes a 40-item relation and 30 people', async () => {
    const emulator = await createEmulator({ rateLimit: false });
    const client = createNotionClient({
      token: emulator.token,
      baseUrl: emulator.baseUrl,
      fetch: emulator.fetch,
      pacing: fastPacing,
    });
    const targets = await createDataSource(
      client,
      emulator.rootPageId,
      {
        Name: { title: {} },
      },
      'Targets',
    );
    const targetIds = emulator.control.bulkCreatePages(
      targets,
      Array.from({ length: 40 }, (_, i) => ({ Name: { title: [{ text: { content: `t${i}` } }] } })),
    );
    const userIds = Array.from(
      { length: 30 },
      (_, i) => emulator.control.createUser({ name: `Person ${i}`, email: `p${i}@example.com` }).id,
    );
    const rows = await createDataSource(
      client,
      emulator.rootPageId,
      {
        Name: { title: {} },
        Links: { relation: { data_source_id: targets, single_property: {} } },
        Team: { people: {} },
        Linked: {
          rollup: {
            relation_property_name: 'Links',
            rollup_property_name: 'Name',
            function: 'count',
          },
        },
      },
      'Rows',
    );
    await client.pages.create({
      parent: { data_source_id: rows },
      properties: {
        Name: { title: [{ text: { content: 'big' } }] },
        Links: { relation: targetIds.map((id) => ({ id })) },
        Team: { people: userIds.map((id) => ({ object: 'user' as const, id })) },
      },
    });
    const schema = (await client.dataSources.retrieve({ data_source_id: rows }))
      .properties as never;

    const found = [];
    for await (const page of client.iterateDataSourceRows(rows)) found.push(page);
    const [row] = found;
    if (!row) throw new Error('row missing');
    const truncated = decodeProperties(row.properties as Record<string, unknown>);
    expect(truncated.Links?.complete).toBe(false);
    expect(truncated.Links?.value).toHaveLength(25);
    expect(truncated.Team?.complete).toBe(false);

    const completed = await client.completePageProperties(row, { schema });
    expect(new Set(completed.properties.Links?.value as string[])).toStrictEqual(
      new Set(targetIds),
    );
    expect(new Set(completed.properties.Team?.value as string[])).toStrictEqual(new Set(userIds));
    expect(completed.properties.Links?.complete).toBe(true);
    expect(completed.properties.Team?.complete).toBe(true);
    expect(completed.completed).toEqual(expect.arrayContaining(['Links', 'Team']));
    // The page object's rollup counts only the first 25 relations: it is never passed off as complete.
    expect(truncated.Linked?.complete).toBe(false);
    const linked = decodeProperties(row.properties as Record<string, unknown>, {
      Linked: 'Links',
    }).Linked;
    expect(linked?.incompleteReason).toBe('rollup_over_truncated_relation');
    expect(completed.completed).toContain('Linked');
  });

  // notion-api.md §4.5: the property item endpoint returns a rollup's final value over every
  // relation, while the page object computes it over the first 25.
  it('reads the complete rollup through the property item endpoint', async () => {
    const emulator = await createEmulator({ rateLimit: false });
    const client = createNotionClient({
      token: emulator.token,
      baseUrl: emulator.baseUrl,
      fetch: emulator.fetch,
      pacing: fastPacing,
    });
    const targets = await createDataSource(
      client,
      emulator.rootPageId,
      {
        Name: { title: {} },
      },
      'Targets',
    );
    const targetIds = emulator.control.bulkCreatePages(
      targets,
      Array.from({ length: 40 }, () => ({})),
    );
    const rows = await createDataSource(
      client,
      emulator.rootPageId,
      {
        Name: { title: {} },
        Links: { relation: { data_source_id: targets, single_property: {} } },
        Linked: {
          rollup: {
            relation_property_name: 'Links',
            rollup_property_name: 'Name',
            function: 'count',
          },
        },
      },
      'Rows',
    );
    const page = await client.pages.create({
      parent: { data_source_id: rows },
      properties: { Links: { relation: targetIds.map((id) => ({ id })) } },
    });
    const schema = (await client.dataSources.retrieve({ data_source_id: rows }))
      .properties as never;
    const completed = await client.completePageProperties(page as never, { schema });
    expect(completed.properties.Linked?.value).toBe(40);
  });

  it('enumerates 10,050 rows past the 10,000-row query cap, each exactly once', async () => {
    const clock = createManualClock();
    const emulator = await createEmulator({ clock, rateLimit: false });
    const client = createNotionClient({
      token: emulator.token,
      baseUrl: emulator.baseUrl,
      fetch: emulator.fetch,
      pacing: fastPacing,
      clock,
    });
    const dataSourceId = await createDataSource(
      client,
      emulator.rootPageId,
      {
        Name: { title: {} },
      },
      'Big',
    );
    const rows = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        Name: { title: [{ text: { content: `row ${from + i}` } }] },
      }));
    // Rows created over several minutes (created_time is minute-rounded), as in a real workspace.
    for (let batch = 0; batch < 5; batch++) {
      emulator.control.bulkCreatePages(dataSourceId, rows(batch * 2010, 2010));
      await clock.advance(60_000);
    }

    const plain = await (async () => {
      let count = 0;
      try {
        for await (const _ of client.iterateDataSourceRows(dataSourceId)) count += 1;
        return { count, code: undefined };
      } catch (error) {
        return { count, code: (error as { code: string }).code };
      }
    })();
    expect(plain).toStrictEqual({ count: 10_000, code: 'notion_incomplete' });

    const { result: ids, stats } = await client.withRequestStats(async () => {
      const seen: string[] = [];
      for await (const row of client.iterateAllDataSourceRows(dataSourceId)) seen.push(row.id);
      return seen;
    });
    expect(ids).toHaveLength(10_050);
    expect(new Set(ids).size).toBe(10_050);
    const queries = stats.byEndpoint['POST /v1/data_sources/{id}/query']?.calls ?? 0;
    expect(queries).toBeGreaterThanOrEqual(101);
    expect(queries).toBeLessThanOrEqual(101 + 25);
  });

  it('splits a minute holding more than 10,000 rows by a property; without one, reports it unreachable', async () => {
    const emulator = await createEmulator({ rateLimit: false });
    const client = createNotionClient({
      token: emulator.token,
      baseUrl: emulator.baseUrl,
      fetch: emulator.fetch,
      pacing: fastPacing,
    });
    const listAll = async (dataSourceId: string) => {
      const unreachable: string[] = [];
      const seen: string[] = [];
      const rows = client.iterateAllDataSourceRows(dataSourceId, {
        onUnreachable: (at) => unreachable.push(at),
      });
      for await (const row of rows) seen.push(row.id);
      return { seen, unreachable };
    };
    const numbered = await createDataSource(
      client,
      emulator.rootPageId,
      { Name: { title: {} }, N: { number: {} } },
      'Same minute, numbered',
    );
    // Every row in one minute; 200 of them without a number (listed by an is_empty query).
    emulator.control.bulkCreatePages(
      numbered,
      Array.from({ length: 10_401 }, (_, i) => (i % 52 === 0 ? {} : { N: { number: i % 9_000 } })),
    );
    const split = await listAll(numbered);
    expect(split.unreachable).toEqual([]);
    expect(split.seen).toHaveLength(10_401);
    expect(new Set(split.seen).size).toBe(10_401);

    const plain = await createDataSource(
      client,
      emulator.rootPageId,
      { Name: { title: {} } },
      'Same minute, nothing to split on',
    );
    emulator.control.bulkCreatePages(
      plain,
      Array.from({ length: 10_001 }, () => ({})),
    );
    const gap = await listAll(plain);
    expect(gap.unreachable).toHaveLength(1);
    expect(new Set(gap.seen).size).toBe(gap.seen.length);
    expect(gap.seen.length).toBeGreaterThanOrEqual(10_000);
  }, 60_000);
});
