// node bench/body-push-bench.ts — what a body push sends: a page of N paragraphs kept as a file
// of a folder target; K paragraphs spread over the file are edited locally and the last one in
// Notion, then `sync` merges and pushes. Prints, per K: the Markdown edit requests, the bytes
// they carried against the whole body's bytes (what one `replace_content` would send), the share
// of blocks that kept their ids, and the sync's wall time against the in-process emulator (no
// rate limit: the figures are calls and bytes, time is the engine's own work).
// Options: --paragraphs N (default 2000), --edits K,K,… (default 1,50,500).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmulator } from '../src/emulator/index.ts';
import { createDataSource } from '../src/emulator/test-support.ts';
import { createNotionClient } from '../src/notion/index.ts';
import { systemClock } from '../src/shared/index.ts';
import { createStore } from '../src/store/index.ts';
import { createEngine } from '../src/sync/index.ts';

const { values } = parseArgs({
  options: {
    paragraphs: { type: 'string', default: '2000' },
    edits: { type: 'string', default: '1,50,500' },
  },
});
const paragraphs = Number(values.paragraphs);
const editCounts = values.edits.split(',').map(Number);

async function round(edits: number) {
  const emu = await createEmulator();
  const admin = emu.client({ notionVersion: '2026-03-11' });
  const dsId = await createDataSource(admin, emu.rootPageId, { Name: { title: {} } });
  const lines = Array.from({ length: paragraphs }, (_, i) => `Paragraph ${i} of the essay.`);
  const page = await admin.pages.create({
    parent: { data_source_id: dsId },
    properties: { Name: { title: [{ text: { content: 'Essay' } }] } },
    markdown: lines.join('\n'),
  } as never);
  let bytes = 0;
  let requests = 0;
  const counting: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : (input as Request).url;
    if (init?.method === 'PATCH' && url.endsWith('/markdown')) {
      requests += 1;
      bytes += Buffer.byteLength(String(init.body ?? ''));
    }
    return emu.fetch(input, init);
  };
  const dir = mkdtempSync(join(tmpdir(), 'body-bench-'));
  const store = await createStore({ url: join(dir, 'bench.db') });
  const notion = createNotionClient({
    token: emu.token,
    baseUrl: emu.baseUrl,
    fetch: counting,
    pacing: { requestsPerSecond: 100_000, burst: 100_000, maxInFlight: 8 },
  });
  const folder = join(dir, 'docs');
  const engine = createEngine({
    config: {
      sources: [
        {
          name: 'docs',
          dataSource: dsId,
          direction: 'both',
          content: 'markdown',
          target: { folder },
        },
      ],
    },
    store,
    notion,
    clock: systemClock,
  });
  await engine.sync(['docs']);
  const before = new Set<string>();
  for await (const block of notion.iterateBlockChildren(page.id)) before.add(block.id);
  const path = join(folder, readdirSync(folder)[0]!);
  let text = readFileSync(path, 'utf8');
  const step = Math.max(1, Math.floor((paragraphs - 1) / edits));
  for (let i = 0, done = 0; done < edits && i < paragraphs - 1; i += step, done += 1)
    text = text.replace(`Paragraph ${i} of`, `Paragraph ${i}, edited locally, of`);
  writeFileSync(path, text);
  const last = `Paragraph ${paragraphs - 1} of the essay.`;
  await admin.pages.updateMarkdown({
    page_id: page.id,
    type: 'update_content',
    update_content: { content_updates: [{ old_str: last, new_str: `${last} (Notion)` }] },
  } as never);
  requests = 0;
  bytes = 0;
  const started = performance.now();
  const result = await engine.sync(['docs']);
  const ms = performance.now() - started;
  let kept = 0;
  let total = 0;
  for await (const block of notion.iterateBlockChildren(page.id)) {
    total += 1;
    if (before.has(block.id)) kept += 1;
  }
  const served = (await admin.pages.retrieveMarkdown({ page_id: page.id })).markdown;
  if (!result.ok || !served.includes('(Notion)') || !served.includes('edited locally'))
    throw new Error('the merge did not land on both sides');
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { edits, requests, bytes, bodyBytes: Buffer.byteLength(served), kept, total, ms };
}

console.log(
  '| paragraphs | edited locally | Markdown edit requests | bytes sent | whole body | blocks kept | sync |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const edits of editCounts) {
  const r = await round(edits);
  console.log(
    `| ${paragraphs} | ${r.edits} | ${r.requests} | ${r.bytes.toLocaleString('en')} | ${r.bodyBytes.toLocaleString('en')} | ${((100 * r.kept) / r.total).toFixed(1)} % | ${Math.round(r.ms)} ms |`,
  );
}
console.log(
  `\nReproduce: node bench/body-push-bench.ts --paragraphs ${paragraphs} --edits ${editCounts.join(',')}`,
);
