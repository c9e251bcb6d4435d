// node bench/tree-push-bench.ts — what a page-tree push costs: the demo wiki (11 pages) kept as
// a folder target with `direction: both`, the in-process emulator rate-limited like Notion
// (3 requests/s, burst 10) and the client pacing itself at 3/s. Each row is one `sync` after one
// local change (a title edit, a body edit, a new file, a file moved to another page's folder, a
// deleted file): the requests it sent, by kind, and its wall time. Options: --rounds N (default
// 3; the table shows the median of each row).
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmulator, seedDemoWorkspace } from '../src/emulator/index.ts';
import { createNotionClient } from '../src/notion/index.ts';
import { systemClock } from '../src/shared/index.ts';
import { createStore } from '../src/store/index.ts';
import { createEngine } from '../src/sync/index.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);

/** Relative paths of every file under `root`. */
function walk(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(root, join(dir, e.name)) : [join(dir, e.name)],
  );
}

async function round(): Promise<Map<string, { calls: string; ms: number }>> {
  const emu = await createEmulator({ rateLimit: { requestsPerSecond: 3, burst: 10 } });
  const demo = await seedDemoWorkspace(emu.client({ notionVersion: '2026-03-11' }), {
    rootPageId: emu.rootPageId,
    taskCount: 1,
  });
  const dir = mkdtempSync(join(tmpdir(), 'tree-push-bench-'));
  const store = await createStore({ url: join(dir, 'bench.db') });
  const notion = createNotionClient({
    token: emu.token,
    baseUrl: emu.baseUrl,
    fetch: emu.fetch,
    pacing: { requestsPerSecond: 3, burst: 5 },
  });
  const folder = join(dir, 'wiki');
  const wiki = { name: 'wiki', page: demo.wikiPageId, content: 'markdown', direction: 'both' };
  const engine = createEngine({
    config: { sources: [{ ...wiki, target: { folder } } as never] },
    store,
    notion,
    clock: systemClock,
  });
  await engine.sync(['wiki']);
  const files = walk(folder).sort();
  const root = files.find((f) => !f.includes('/'))!;
  const [first, second] = files.filter((f) => f.split('/').length === 3);
  const edit = (path: string, change: (text: string) => string) =>
    writeFileSync(join(folder, path), change(readFileSync(join(folder, path), 'utf8')));
  const changes: [string, () => void][] = [
    ['title edit', () => edit(first!, (t) => t.replace(/^title: (.*)$/m, 'title: $1 (renamed)'))],
    ['body edit', () => edit(first!, (t) => `${t}\nA line written in the file.\n`)],
    [
      'new file',
      () =>
        writeFileSync(join(folder, root.replace(/\.md$/, ''), 'new.md'), '---\ntitle: New\n---\n'),
    ],
    [
      'file moved',
      () => renameSync(join(folder, second!), join(folder, root.replace(/\.md$/, ''), 'moved.md')),
    ],
    ['file deleted', () => rmSync(join(folder, first!))],
  ];
  const out = new Map<string, { calls: string; ms: number }>();
  for (const [name, change] of changes) {
    change();
    const mark = emu.control.requestLog().length;
    const started = performance.now();
    await engine.sync(['wiki']);
    const ms = performance.now() - started;
    const byRoute = new Map<string, number>();
    for (const e of emu.control.requestLog().slice(mark))
      byRoute.set(e.route ?? e.method, (byRoute.get(e.route ?? e.method) ?? 0) + 1);
    const writes = [...byRoute].filter(([r]) => !r.startsWith('GET') && !/(query|search)$/.test(r));
    const reads = [...byRoute].filter(([r]) => !writes.some(([w]) => w === r));
    const sum = (list: [string, number][]) => list.reduce((n, [, c]) => n + c, 0);
    out.set(name, {
      calls: `${sum(reads)} reads, ${sum(writes)} writes (${writes.map(([r, c]) => `${c}× ${r}`).join(', ')})`,
      ms,
    });
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

const results: Map<string, { calls: string; ms: number }>[] = [];
for (let i = 0; i < rounds; i += 1) results.push(await round());
console.log('| local change, then `sync wiki` | requests | time, median |');
console.log('|---|---|---:|');
for (const name of results[0]!.keys()) {
  const times = results.map((r) => r.get(name)!.ms).sort((a, b) => a - b);
  console.log(
    `| ${name} | ${results[0]!.get(name)!.calls} | ${(times[Math.floor(times.length / 2)]! / 1000).toFixed(2)} s |`,
  );
}
console.log(`\nReproduce: node bench/tree-push-bench.ts --rounds ${rounds}`);
