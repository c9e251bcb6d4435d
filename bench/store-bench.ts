// npm run bench:store — appends 100,000 versions in batches of 100 (commitPullBatch, each batch
// in one transaction with its checkpoint) on SQLite (file, WAL, synchronous=FULL) and PostgreSQL
// (TEST_DATABASE_URL, or an embedded server started here), and prints rows/s.
// Options: --rows N (default 100000), --batch N (default 100), --only sqlite|postgres.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashValue } from '../src/shared/index.ts';
import { createStore, type Store } from '../src/store/index.ts';
import { startEmbeddedPostgres } from '../src/store/test-support/embedded-postgres.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '100' },
    only: { type: 'string' },
  },
});
const totalRows = Number(values.rows);
const batchSize = Number(values.batch);

function batch(start: number, size: number) {
  return Array.from({ length: size }, (_, i) => {
    const n = start + i;
    const fields = {
      title: `Row ${n}`,
      status: n % 3 === 0 ? 'Done' : 'Todo',
      estimate: n % 13,
      tags: ['a', 'b'],
    };
    return {
      pageId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      fields,
      raw: { properties: fields },
      hash: hashValue(fields),
      notionLastEditedTime: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
      createdTime: '2026-01-01T00:00:00.000Z',
    };
  });
}

async function run(label: string, store: Store): Promise<void> {
  const { source } = await store.sources.upsert({
    name: 'bench',
    kind: 'data_source',
    notionId: 'ds-bench',
    schema: {
      properties: {
        title: { id: 'title', name: 'Name', type: 'title' },
        status: { id: 'status', name: 'Status', type: 'select' },
        estimate: { id: 'estimate', name: 'Estimate', type: 'number' },
        tags: { id: 'tags', name: 'Tags', type: 'multi_select' },
      },
    },
  });
  const started = performance.now();
  let versions = 0;
  for (let start = 0; start < totalRows; start += batchSize) {
    const rows = batch(start, Math.min(batchSize, totalRows - start));
    const result = await store.records.commitPullBatch({
      sourceId: source.id,
      rows,
      checkpoint: {
        cursor: rows.at(-1)?.notionLastEditedTime ?? null,
        cursorPageId: rows.at(-1)?.pageId ?? null,
      },
    });
    versions += result.created + result.updated;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(34)} ${versions} versions in ${seconds.toFixed(1)} s = ${Math.round(versions / seconds)} rows/s`,
  );
  await store.close();
}

console.log(
  `store bench: ${totalRows} versions in batches of ${batchSize}, Node ${process.version}`,
);
if (values.only !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'notion-sync-bench-'));
  await run(
    'sqlite (file, WAL, synchronous=FULL)',
    await createStore({ url: join(dir, 'bench.db') }),
  );
  rmSync(dir, { recursive: true, force: true });
}
if (values.only !== 'sqlite') {
  const external = process.env.TEST_DATABASE_URL;
  const server = external ? null : await startEmbeddedPostgres();
  const url = external ?? server!.url;
  try {
    await run(
      `postgres (${external ? 'TEST_DATABASE_URL' : 'embedded 18'})`,
      await createStore({ url, schema: `bench_${Date.now()}` }),
    );
  } finally {
    await server?.stop();
  }
}
console.log(`reproduce: npm run bench:store -- --rows ${totalRows} --batch ${batchSize}`);
