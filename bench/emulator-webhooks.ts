// Prints what a verified webhook subscription costs an emulator write: while one exists, every
// write copies the workspace's records to see what changed. Measures pages.update calls on a
// workspace of --rows rows without and with a subscription (a local receiver answering 200).
// Run: node bench/emulator-webhooks.ts [--rows 5000] [--writes 200]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createEmulator } from '../src/emulator/index.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '5000' },
    writes: { type: 'string', default: '200' },
  },
});
const ROWS = Number(values.rows);
const WRITES = Number(values.writes);

let received = 0;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received += 1;
    res.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

const emu = await createEmulator({ webhooks: { aggregateMs: Number(process.env.AGG ?? 0) } });
const notion = emu.client();
const db = await notion.databases.create({
  parent: { type: 'page_id', page_id: emu.rootPageId },
  title: [{ text: { content: 'Bench' } }],
  initial_data_source: { properties: { Name: { title: {} }, N: { number: {} } } },
});
if (!('data_sources' in db) || !db.data_sources[0]) throw new Error('no data source');
const ids = emu.control.bulkCreatePages(
  db.data_sources[0].id,
  Array.from({ length: ROWS }, (_, i) => ({
    Name: { title: [{ text: { content: `row ${i}` } }] },
  })),
);

let round = 0;
async function writes(label: string): Promise<number> {
  round += 1;
  const started = performance.now();
  for (let i = 0; i < WRITES; i += 1)
    await notion.pages.update({
      page_id: ids[i % ids.length]!,
      properties: { N: { number: round * WRITES + i } },
    });
  const perWriteMs = (performance.now() - started) / WRITES;
  console.log(`${label}: ${WRITES} writes, ${perWriteMs.toFixed(2)} ms per write`);
  return perWriteMs;
}

const without = await writes(`${ROWS} rows, no subscription`);
const sub = emu.control.webhooks.subscribe({ url });
emu.control.webhooks.verify(sub.id);
const withSub = await writes(`${ROWS} rows, one verified subscription`);
await emu.control.webhooks.idle();
const outcomes = emu.control.webhooks.deliveries().map((d) => `${d.type}:${d.outcome}`);
console.log(
  `overhead ${(withSub - without).toFixed(2)} ms per write; receiver got ${received} requests`,
);
console.log([...new Set(outcomes)].join(', '));
receiver.close();
