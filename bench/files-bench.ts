// npm run bench:files — pulls a data source of N rows (default 200), each with its own file of
// K KB (default 50) in a `files` property, from the in-process emulator (rate limit off) into a
// SQLite store, three ways: without files (files.keep false), with files in a directory beside the
// SQLite file, and with files in the database itself (what PostgreSQL stores use). Prints the pull
// time, files/s and MB/s of the downloads (files ÷ the extra time over the pull without files,
// and over the whole pull), and the API calls of each (downloads are no API calls).
// Options: --rows N, --kb K.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmulator } from '../src/emulator/index.ts';
import { createDataSource } from '../src/emulator/test-support.ts';
import { createNotionClient } from '../src/notion/index.ts';
import { createStore } from '../src/store/index.ts';
import { createEngine } from '../src/sync/index.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '200' }, kb: { type: 'string', default: '50' } },
});
const rows = Number(values.rows);
const fileBytes = Number(values.kb) * 1024;

const emu = await createEmulator();
const notion = emu.client();
const dsId = await createDataSource(notion, emu.rootPageId, {
  Name: { title: {} },
  Receipt: { files: {} },
});
const properties = [];
for (let i = 0; i < rows; i += 1) {
  const upload = await notion.fileUploads.create({ mode: 'single_part', filename: `r${i}.pdf` });
  const bytes = Buffer.alloc(fileBytes, i % 251);
  bytes.writeUInt32LE(i, 0);
  await notion.fileUploads.send({
    file_upload_id: upload.id,
    file: { filename: `r${i}.pdf`, data: new Blob([new Uint8Array(bytes)]) },
  });
  properties.push({
    Name: { title: [{ text: { content: `row ${i}` } }] },
    Receipt: { files: [{ type: 'file_upload', file_upload: { id: upload.id } }] },
  });
}
emu.control.bulkCreatePages(dsId, properties);
emu.control.clock.advance(10 * 60_000);

type Mode = 'no files' | 'directory' | 'database';

async function run(mode: Mode): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'files-bench-'));
  const target = await createStore({
    url: join(dir, 'bench.db'),
    files: mode === 'database' ? { inDatabase: true } : { dir: join(dir, 'files') },
  });
  const engine = createEngine({
    config: { sources: [{ name: 'bench', dataSource: dsId }] },
    store: target,
    notion: createNotionClient({
      token: emu.token,
      baseUrl: emu.baseUrl,
      fetch: emu.fetch,
      pacing: { requestsPerSecond: 100_000, burst: 100_000, maxInFlight: 8 },
    }),
    files: { keep: mode !== 'no files' },
  });
  emu.control.clearRequestLog();
  const started = performance.now();
  const result = await engine.pull(['bench']);
  const seconds = (performance.now() - started) / 1000;
  const source = result.sources[0]!;
  const calls = emu.control.requestLog().length;
  const mb = source.files.bytes / 1e6;
  process.stdout.write(
    `| ${mode} | ${source.status} ${source.counts.created} | ${seconds.toFixed(2)} s | ${source.files.downloaded} | ${mb.toFixed(1)} MB | ${calls} |`,
  );
  await target.close();
  rmSync(dir, { recursive: true, force: true });
  return seconds;
}

console.log(`${rows} rows, one ${values.kb} KB file each, in-process emulator, rate limit off`);
console.log(
  '| files | status, created | pull time | files | bytes | API calls | files/s (extra time) | MB/s (extra time) | files/s (whole pull) |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
const base = await run('no files');
console.log(' — | — | — |');
for (const mode of ['directory', 'database'] as const) {
  const seconds = await run(mode);
  const extra = Math.max(seconds - base, 1e-6);
  const mb = (rows * fileBytes) / 1e6;
  console.log(
    ` ${Math.round(rows / extra)} | ${(mb / extra).toFixed(1)} | ${Math.round(rows / seconds)} |`,
  );
}
