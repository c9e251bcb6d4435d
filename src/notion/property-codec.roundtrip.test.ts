// Invariant: for every writable property type, a plain value written through the encoder and read
// back from Notion (the emulator, through the SDK) decodes to the same plain value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { createNotionClient } from './notion-client.ts';
import { decodeProperties, type PlainValue } from './property-decoder.ts';
import { encodeProperties, type PropertySchema } from './property-encoder.ts';

const SCHEMA = {
  Name: { title: {} },
  Notes: { rich_text: {} },
  Count: { number: {} },
  Kind: { select: { options: [{ name: 'Alpha' }, { name: 'Beta' }, { name: 'Gamma' }] } },
  Tags: {
    multi_select: {
      options: [{ name: 'red' }, { name: 'green' }, { name: 'blue' }, { name: 'with space' }],
    },
  },
  Stage: { status: {} },
  When: { date: {} },
  Owners: { people: {} },
  Attachments: { files: {} },
  Done: { checkbox: {} },
  Link: { url: {} },
  Mail: { email: {} },
  Phone: { phone_number: {} },
  Where: { place: {} },
};

const isoMinute = fc
  .date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2090-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => `${d.toISOString().slice(0, 16)}:00.000Z`);
const isoDay = isoMinute.map((s) => s.slice(0, 10));
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 2001, maxLength: 4500 }),
);

function plainRecord(userIds: string[], relationIds: string[], statusNames: string[]) {
  return fc.record({
    Name: text,
    Notes: text,
    Count: fc.option(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
    ),
    Kind: fc.option(fc.constantFrom('Alpha', 'Beta', 'Gamma')),
    Tags: fc.uniqueArray(fc.constantFrom('red', 'green', 'blue', 'with space')),
    Stage: fc.constantFrom(...statusNames),
    When: fc.option(
      fc.oneof(
        isoDay.map((start) => ({ start, end: null, timeZone: null })),
        fc
          .tuple(isoMinute, isoMinute)
          .map(([a, b]) => ({ start: a < b ? a : b, end: a < b ? b : a, timeZone: null })),
      ),
    ),
    Owners: fc.subarray(userIds),
    Attachments: fc.array(
      fc.record({ name: fc.stringMatching(/^[a-z]{1,12}\.pdf$/), url: fc.webUrl() }),
      { maxLength: 3 },
    ),
    Done: fc.boolean(),
    Link: fc.option(fc.webUrl()),
    Mail: fc.option(fc.emailAddress()),
    Phone: fc.option(fc.stringMatching(/^\+?[0-9 ]{3,15}$/)),
    Related: fc.subarray(relationIds),
    Where: fc.option(
      fc.record({
        lat: fc.double({ min: -90, max: 90, noNaN: true }),
        lon: fc.double({ min: -180, max: 180, noNaN: true }),
        name: fc.option(fc.string({ maxLength: 20 })),
        address: fc.option(fc.string({ maxLength: 40 })),
      }),
    ),
  });
}

describe('property codec round trip (emulator)', () => {
  it('decode(encode(v)) = v for every writable type', async () => {
    const emulator = await createEmulator({ rateLimit: false });
    const client = createNotionClient({
      token: emulator.token,
      baseUrl: emulator.baseUrl,
      fetch: emulator.fetch,
      pacing: { requestsPerSecond: 10_000, burst: 10_000, maxInFlight: 16 },
    });
    const targets = await createDataSource(
      client,
      emulator.rootPageId,
      {
        Name: { title: {} },
      },
      'Targets',
    );
    const relationIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const page = await client.pages.create({
        parent: { data_source_id: targets },
        properties: { Name: { title: [{ text: { content: `t${i}` } }] } },
      });
      relationIds.push(page.id);
    }
    const dataSourceId = await createDataSource(
      client,
      emulator.rootPageId,
      {
        ...SCHEMA,
        Related: { relation: { data_source_id: targets, single_property: {} } },
      },
      'Everything',
    );
    const dataSource = await client.dataSources.retrieve({ data_source_id: dataSourceId });
    const schema = dataSource.properties as unknown as Record<string, PropertySchema>;
    const statusNames = (
      (schema.Stage?.status as { options?: { name: string }[] } | undefined)?.options ?? []
    ).map((o) => o.name);
    for (let i = 0; i < 3; i++)
      emulator.control.createUser({ name: `User ${i}`, email: `u${i}@example.com` });
    const userIds: string[] = [];
    for await (const user of client.iterateUsers())
      if (user.type === 'person') userIds.push(user.id);
    expect(userIds.length).toBeGreaterThanOrEqual(3);
    const writable = Object.keys({ ...SCHEMA, Related: 0 });

    await fc.assert(
      fc.asyncProperty(plainRecord(userIds, relationIds, statusNames), async (record) => {
        const values = record as unknown as Record<string, PlainValue>;
        const created = await client.pages.create({
          parent: { data_source_id: dataSourceId },
          properties: encodeProperties(schema, values) as never,
        });
        const page = await client.pages.retrieve({ page_id: created.id });
        const decoded = decodeProperties(
          (page as { properties: Record<string, unknown> }).properties,
        );
        for (const name of writable) {
          const expected = JSON.parse(JSON.stringify(values[name] ?? null)) as unknown;
          expect({ name, value: decoded[name]?.value }).toStrictEqual({ name, value: expected });
        }
      }),
      { numRuns: 40, seed: 20261122 },
    );
  });
});
