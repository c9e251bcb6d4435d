// npm run bench:tree — pulls page trees from the in-process emulator into a SQLite file and
// counts API calls in the emulator's request log: the demo wiki (11 pages) and a generated tree
// (default 500 pages, 6 levels, child pages in toggles and columns). For each: a full pull, then
// an incremental pull after one page's content changed; beside them notion-to-md on the same
// tree, called per page (each page's own Markdown, which re-walks its sub-pages) and once for
// the whole tree (one document, no page metadata). Time is measured in-process (no latency);
// "at 3 req/s" is calls ÷ 3, what Notion's average rate limit makes of the calls.
// Options: --pages N, --depth N, --only demo|generated.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NotionToMarkdown } from 'notion-to-md';
import {
  createEmulator,
  createManualClock,
  type Emulator,
  type ManualClock,
  seedDemoWorkspace,
} from '../src/emulator/index.ts';
import { seedPageTree } from '../src/emulator/seed/seed-page-tree.ts';
import { createNotionClient } from '../src/notion/index.ts';
import { createStore } from '../src/store/index.ts';
import { createEngine } from '../src/sync/index.ts';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '500' },
    depth: { type: 'string', default: '6' },
    only: { type: 'string' },
  },
});

interface Tree {
  label: string;
  emu: Emulator;
  clock: ManualClock;
  rootId: string;
  pageIds: string[];
  /** The page whose content the incremental pull must pick up. */
  editedId: string;
}

async function demoTree(): Promise<Tree> {
  const clock = createManualClock(Date.UTC(2026, 5, 1));
  const emu = await createEmulator({ clock });
  emu.control.createUser({ name: 'Ada Lovelace', email: 'ada@example.com' });
  const client = emu.client({ notionVersion: '2026-03-11' });
  const demo = await seedDemoWorkspace(client, { rootPageId: emu.rootPageId, taskCount: 10 });
  const pageIds = await listTree(emu, demo.wikiPageId);
  return {
    label: 'demo wiki',
    emu,
    clock,
    rootId: demo.wikiPageId,
    pageIds,
    editedId: pageIds[5]!,
  };
}

async function generatedTree(pages: number, depth: number): Promise<Tree> {
  const clock = createManualClock(Date.UTC(2026, 5, 1));
  const emu = await createEmulator({ clock });
  const client = emu.client({ notionVersion: '2026-03-11' });
  const tree = await seedPageTree(client, {
    parentPageId: emu.rootPageId,
    pageCount: pages,
    depth,
  });
  const label = `generated, ${pages} pages, depth ${depth}`;
  const editedId = tree.pageIds[Math.floor(pages / 2)]!;
  return { label, emu, clock, rootId: tree.rootId, pageIds: tree.pageIds, editedId };
}

/** Page ids of the tree by a block walk (the oracle side; not counted). */
async function listTree(emu: Emulator, rootId: string): Promise<string[]> {
  const client = emu.client();
  const ids: string[] = [];
  const walk = async (blockId: string) => {
    for (const block of (await client.blocks.children.list({ block_id: blockId })).results) {
      const b = block as { id: string; type: string; has_children: boolean };
      if (b.type === 'child_page') {
        ids.push(b.id);
        await walk(b.id);
      } else if (b.has_children) await walk(b.id);
    }
  };
  ids.push(rootId);
  await walk(rootId);
  return ids;
}

function calls(emu: Emulator): number {
  return emu.control.requestLog().length;
}

async function timed<T>(emu: Emulator, fn: () => Promise<T>) {
  emu.control.clearRequestLog();
  const started = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - started) / 1000, calls: calls(emu) };
}

async function engineRuns(tree: Tree) {
  const dir = mkdtempSync(join(tmpdir(), 'tree-bench-'));
  const store = await createStore({ url: join(dir, 'bench.db'), clock: tree.clock });
  const notion = createNotionClient({
    token: tree.emu.token,
    baseUrl: tree.emu.baseUrl,
    fetch: tree.emu.fetch,
    pacing: { requestsPerSecond: 100_000, burst: 100_000, maxInFlight: 8 },
    notionVersion: '2026-03-11',
  });
  const engine = createEngine({
    config: { sources: [{ name: 'tree', page: tree.rootId }] },
    store,
    notion,
    clock: tree.clock,
  });
  await tree.clock.advance(10 * 60_000);
  const full = await timed(tree.emu, () => engine.pull(['tree']));
  await tree.clock.advance(10 * 60_000);
  await tree.emu.client().pages.updateMarkdown({
    page_id: tree.editedId,
    type: 'insert_content',
    insert_content: { content: 'A line added after the first pull.' },
  });
  await tree.clock.advance(60_000);
  const incremental = await timed(tree.emu, () => engine.pull(['tree']));
  const source = (await store.sources.getByName('tree'))!;
  const record = (await store.records.findByPageId(source.id, tree.editedId))!;
  const version = (await store.history.getVersionById(record.currentVersionId!))!;
  const picked = String(version.content).includes('A line added after the first pull.');
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { full, incremental, picked };
}

async function notionToMdRuns(tree: Tree) {
  const n2m = () => new NotionToMarkdown({ notionClient: tree.emu.client() as never });
  const perPage = await timed(tree.emu, async () => {
    const converter = n2m();
    for (const id of tree.pageIds) await converter.pageToMarkdown(id);
  });
  const whole = await timed(tree.emu, () => n2m().pageToMarkdown(tree.rootId));
  return { perPage, whole };
}

const at3 = (n: number) => `${(n / 3).toFixed(n < 300 ? 1 : 0)} s`;

function row(tree: Tree, what: string, run: { calls: number; seconds: number }, note = '') {
  const perPage = (run.calls / tree.pageIds.length).toFixed(2);
  console.log(
    `| ${tree.label} | ${what} | ${run.calls} | ${perPage} | ${run.seconds.toFixed(2)} s | ${at3(run.calls)} | ${note} |`,
  );
}

async function bench(tree: Tree) {
  const engine = await engineRuns(tree);
  const n2m = await notionToMdRuns(tree);
  const ok = (status: unknown) => (status === 'ok' ? '' : `status ${String(status)}`);
  const full = engine.full.value.sources[0]!;
  const incremental = engine.incremental.value.sources[0]!;
  row(
    tree,
    'notion-sync, full pull',
    engine.full,
    `${full.counts.created} pages stored ${ok(full.status)}`,
  );
  row(
    tree,
    'notion-sync, incremental (1 page changed)',
    engine.incremental,
    `${incremental.counts.updated} updated, change ${engine.picked ? 'stored' : 'MISSED'}`,
  );
  row(tree, 'notion-to-md, per page', n2m.perPage, 'each page re-walks its sub-pages; no metadata');
  row(tree, 'notion-to-md, whole tree once', n2m.whole, 'one document; no metadata');
}

console.log('| tree | run | calls | calls/page | time (in-process) | at 3 req/s | notes |');
console.log('|---|---|---:|---:|---:|---:|---|');
if (values.only !== 'generated') await bench(await demoTree());
if (values.only !== 'demo')
  await bench(await generatedTree(Number(values.pages), Number(values.depth)));
console.log(`\nnpm run bench:tree -- --pages ${values.pages} --depth ${values.depth}`);
