// The raw floor a pull is measured against (a child process of `npm run bench:pull`): the
// official SDK's own cursor loop over every row (`iterateAllDataSourceRows`, created_time
// windows past the 10,000-row cap) and plain node:sqlite inserts of each row (id, properties
// JSON, timestamps) into a fresh file with the engine's durability (WAL, synchronous=FULL), one
// transaction per 100 rows — no hashing, no versions, no checkpoints. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client, iterateAllDataSourceRows, type PageObjectResponse } from '@notionhq/client';

const [baseUrl, token, dataSourceId] = process.argv.slice(2) as [string, string, string];
const dir = mkdtempSync(join(tmpdir(), 'pull-floor-'));
const db = new DatabaseSync(join(dir, 'floor.db'));
db.exec('pragma journal_mode = WAL; pragma synchronous = FULL;');
db.exec(
  'create table rows (id text primary key, properties text not null, created_time text, last_edited_time text)',
);
const insert = db.prepare('insert into rows values (?, ?, ?, ?)');
const client = new Client({ auth: token, baseUrl });
const started = performance.now();
let rows = 0;
let pending: PageObjectResponse[] = [];
const flush = () => {
  db.exec('begin');
  for (const page of pending)
    insert.run(page.id, JSON.stringify(page.properties), page.created_time, page.last_edited_time);
  db.exec('commit');
  rows += pending.length;
  pending = [];
};
for await (const row of iterateAllDataSourceRows(client, { data_source_id: dataSourceId })) {
  pending.push(row as PageObjectResponse);
  if (pending.length === 100) flush();
}
flush();
const seconds = (performance.now() - started) / 1000;
db.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ rows, seconds, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6 })}\n`,
);
