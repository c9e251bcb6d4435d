// npm run bench:target — a user's SQL table as a target, without Notion in the way: a source of
// N records (default 100,000) in a SQLite store (or --store postgres://…), the table beside it.
// Prints: the first export (N inserts, rows/s), a scan of N unchanged rows (the per-row hash
// compare the engine runs before every sync), an export after 1% of the records changed in the
// store, and a scan after 1% of the rows changed in the table.
// Options: --rows N, --store <url> (default: a SQLite file in a temp dir), --postgres (an embedded
// PostgreSQL started for the run: the store's schema and the table beside it).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { hashValue } from '../src/shared/index.ts';
import { createStore, type PulledRow } from '../src/store/index.ts';
import { startEmbeddedPostgres } from '../src/store/test-support/embedded-postgres.ts';
import { createSqlTableTarget } from '../src/targets/index.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    store: { type: 'string' },
    postgres: { type: 'boolean', default: false },
  },
});
const embedded = values.postgres ? await startEmbeddedPostgres() : null;
const rows = Number(values.rows);
const dir = mkdtempSync(join(tmpdir(), 'target-bench-'));
const store = await createStore({ url: embedded?.url ?? values.store ?? join(dir, 'bench.db') });
const postgres = store.dialect === 'postgres';
const table = postgres ? `bench_${randomUUID().slice(0, 8)}.teams` : 'teams';
const db = store.targets.database();
if (postgres) await sql.raw(`create schema ${table.split('.')[0]}`).execute(db);
await sql
  .raw(
    `create table ${table} (id bigint primary key, name text not null, size integer, active boolean)`,
  )
  .execute(db);

const schema = {
  properties: {
    title: { id: 'title', name: 'Name', type: 'title' },
    size: { id: 'size', name: 'Size', type: 'number' },
    act: { id: 'act', name: 'Active', type: 'checkbox' },
    key: { id: 'key', name: 'postgres_id', type: 'rich_text' },
  },
};
const { source } = await store.sources.upsert({
  name: 'teams',
  kind: 'data_source',
  notionId: randomUUID(),
  direction: 'both',
  schema,
});
const pageId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const pulled = (i: number, size: number): PulledRow => {
  const fields = { title: `team ${i}`, size, act: i % 2 === 0, key: String(i) };
  return {
    pageId: pageId(i),
    fields,
    hash: hashValue(fields),
    notionLastEditedTime: '2026-01-01T10:00:00.000Z',
    createdTime: '2026-01-01T09:00:00.000Z',
  };
};
for (let i = 0; i < rows; i += 2000) {
  const batch = Array.from({ length: Math.min(2000, rows - i) }, (_, j) => pulled(i + j, i + j));
  await store.records.commitPullBatch({ sourceId: source.id, rows: batch });
}

const target = createSqlTableTarget({
  config: { table, key: 'id' },
  path: 'sources[0].target',
  store,
  keyPropertyName: 'postgres_id',
  peers: [{ sourceName: 'teams', table }],
});
const input = async () => ({
  source,
  records: await store.targets.listRecords(source.id),
  keyPropertyId: 'key',
});
const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await fn();
  return [result, (performance.now() - started) / 1000];
};

const [first, firstS] = await timed(async () => target.export(await input()));
const [scan, scanS] = await timed(async () => target.scan(await input()));
const changed = Math.max(1, Math.floor(rows / 100));
for (let i = 0; i < changed; i += 2000) {
  const batch = Array.from({ length: Math.min(2000, changed - i) }, (_, j) =>
    pulled((i + j) * 100, -1 - j),
  );
  await store.records.commitPullBatch({
    sourceId: source.id,
    rows: batch.map((r) => ({
      ...r,
      fields: { ...r.fields, size: 7 },
      hash: hashValue({ ...r.fields, size: 7 }),
    })),
  });
}
const [update, updateS] = await timed(async () => target.export(await input()));
await sql.raw(`update ${table} set size = size + 1 where id % 100 = 1`).execute(db);
const [edited, editedS] = await timed(async () => target.scan(await input()));

console.log(
  `| step (${store.dialect}, ${rows.toLocaleString('en')} rows) | result | time | rows/s |`,
);
console.log('|---|---|---:|---:|');
const line = (step: string, result: string, seconds: number, n: number) =>
  console.log(
    `| ${step} | ${result} | ${seconds.toFixed(2)} s | ${Math.round(n / seconds).toLocaleString('en')} |`,
  );
line(
  'first export (inserts)',
  `${first.inserted} inserted, ${first.failed.length} refused`,
  firstS,
  first.inserted,
);
line(
  'scan, nothing changed',
  `${scan.unchanged} unchanged, ${scan.changes.length} changes`,
  scanS,
  scan.scanned,
);
line(
  'export after 1% changed in the store',
  `${update.updated} updated, ${update.unchanged} unchanged`,
  updateS,
  rows,
);
line(
  'scan after 1% changed in the table',
  `${edited.changes.length} changes of ${edited.scanned}`,
  editedS,
  edited.scanned,
);
console.log(
  `\nreproduce: npm run bench:target -- --rows ${rows}${values.postgres ? ' --postgres' : values.store ? ' --store <url>' : ''}`,
);
await target.close();
await store.close();
await embedded?.stop();
rmSync(dir, { recursive: true, force: true });
