// Prints how long the emulator takes to page through a 25,000-row data source with a sorted,
// filtered query (the load the engine's suites put on it). Run: node bench/emulator-query.ts
import { createEmulator } from '../src/emulator/index.ts';

const ROWS = 25_000;
const emu = await createEmulator();
const notion = emu.client();
const db = await notion.databases.create({
  parent: { type: 'page_id', page_id: emu.rootPageId },
  title: [{ text: { content: 'Bench' } }],
  initial_data_source: {
    properties: {
      Name: { title: {} },
      N: { number: {} },
      Status: { select: { options: [{ name: 'open' }, { name: 'done' }] } },
    },
  },
});
if (!('data_sources' in db) || !db.data_sources[0]) throw new Error('no data source');
const dsId = db.data_sources[0].id;
let started = performance.now();
emu.control.bulkCreatePages(
  dsId,
  Array.from({ length: ROWS }, (_, i) => ({
    Name: { title: [{ text: { content: `row ${i}` } }] },
    N: { number: (i * 7919) % ROWS },
    Status: { select: { name: i % 5 === 0 ? 'done' : 'open' } },
  })),
);
console.log(`bulkCreatePages ${ROWS} rows: ${(performance.now() - started).toFixed(0)} ms`);
started = performance.now();
let calls = 0;
let rows = 0;
let cursor: string | undefined;
for (;;) {
  const page = await notion.dataSources.query({
    data_source_id: dsId,
    filter: { property: 'Status', select: { equals: 'open' } },
    sorts: [{ property: 'N', direction: 'ascending' }],
    ...(cursor ? { start_cursor: cursor } : {}),
  });
  calls += 1;
  rows += page.results.length;
  if (!page.has_more || !page.next_cursor) break;
  cursor = page.next_cursor;
}
const ms = performance.now() - started;
console.log(
  `sorted+filtered cursor loop: ${calls} calls, ${rows} rows, ${ms.toFixed(0)} ms (${(ms / calls).toFixed(1)} ms/call)`,
);

// The same loop with a write between pages: every query recomputes (no cache hit).
started = performance.now();
calls = 0;
cursor = undefined;
for (;;) {
  const page = await notion.dataSources.query({
    data_source_id: dsId,
    filter: { property: 'Status', select: { equals: 'open' } },
    sorts: [{ property: 'N', direction: 'ascending' }],
    ...(cursor ? { start_cursor: cursor } : {}),
  });
  calls += 1;
  const first = page.results[0];
  if (first) await notion.pages.update({ page_id: first.id, properties: {} });
  if (!page.has_more || !page.next_cursor) break;
  cursor = page.next_cursor;
}
const writeMs = performance.now() - started;
console.log(
  `with a write between pages: ${calls} queries, ${writeMs.toFixed(0)} ms (${(writeMs / calls).toFixed(1)} ms/query+write)`,
);
