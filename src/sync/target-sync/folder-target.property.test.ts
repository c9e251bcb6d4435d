// The canonical form of a folder target, over generated page bodies: pages whose Markdown mixes
// every block type the emulator renders (headings, toggle headings, nested lists, to-dos, quotes,
// callouts, toggles, columns, code, equations, tables, dividers, tables of contents, images,
// videos, rich text with annotations, links and mentions) are pulled into files; a second sync
// and a pull then change no byte and send nothing, and each file's body is exactly the Markdown
// Notion serves. Then each file's body is rewritten into another generated document: sync sends
// targeted edits only (never `replace_content`), Notion serves the file's body, and a further
// sync and pull send nothing and change no byte (pull → push → pull is a no-op). Fixed seed;
// NOTION_SYNC_SOAK=1 runs more documents.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../config/index.ts';
import { createEmulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness } from '../test-support/pull-harness.ts';
import { PUSH_TEST_START_MS } from '../test-support/push-fixture.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-memory');
const SOAK = process.env.NOTION_SYNC_SOAK === '1';

const word = fc.constantFrom('alpha', 'beta', 'Gamma', 'delta_x', 'é', '🎯', '2026', 'a*b');
const phrase = fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(' '));
const inline = fc.oneof(
  phrase,
  phrase.map((p) => `**${p}**`),
  phrase.map((p) => `*${p}*`),
  phrase.map((p) => `~~${p}~~`),
  phrase.map((p) => `\`${p}\``),
  phrase.map((p) => `[${p}](https://example.com/${p.length})`),
  fc.constant('$E=mc^2$'),
);
const line = fc.array(inline, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(' '));
const block = fc.oneof(
  line,
  line.map((l) => `# ${l}`),
  line.map((l) => `## ${l}`),
  line.map((l) => `### ${l}`),
  fc.array(line, { minLength: 1, maxLength: 3 }).map((ls) => ls.map((l) => `- ${l}`).join('\n')),
  fc.array(line, { minLength: 1, maxLength: 3 }).map((ls) => ls.map((l) => `1. ${l}`).join('\n')),
  fc.tuple(fc.boolean(), line).map(([done, l]) => `- [${done ? 'x' : ' '}] ${l}`),
  line.map((l) => `> ${l}`),
  line.map((l) => `<callout icon="💡" color="blue_bg">\n\t${l}\n</callout>`),
  fc.tuple(line, line).map(([s, c]) => `<details>\n<summary>${s}</summary>\n\t${c}\n</details>`),
  phrase.map((p) => `\`\`\`python\nprint("${p}")\n\`\`\``),
  fc.constant('$$\n\\int_0^1 x\\,dx\n$$'),
  fc.constant('---'),
  fc
    .tuple(phrase, phrase)
    .map(([a, b]) => `<table>\n<tr>\n<td>${a}</td>\n<td>${b}</td>\n</tr>\n</table>`),
  fc.tuple(line, line).map(([a, b]) => `- ${a}\n\t- ${b}`),
  fc.tuple(line, line).map(([h, c]) => `## ${h} {toggle="true"}\n\t${c}`),
  fc
    .tuple(line, line)
    .map(
      ([a, b]) =>
        `<columns>\n\t<column>\n\t\t${a}\n\t</column>\n\t<column>\n\t\t${b}\n\t</column>\n</columns>`,
    ),
  fc.constant('<table_of_contents/>'),
  fc.nat(99).map((n) => `![](https://example.com/image-${n}.png)`),
  fc.nat(99).map((n) => `<video src="https://example.com/video-${n}.mp4"></video>`),
);
const body = fc.array(block, { minLength: 1, maxLength: 8 }).map((bs) => bs.join('\n'));

async function files(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(root)) out.set(name, await readFile(join(root, name), 'utf8'));
  return out;
}

type Harness = Awaited<ReturnType<typeof createPullHarness>>;
type Emulator = Awaited<ReturnType<typeof createEmulator>>;

function writesSince(emu: Emulator, mark: number) {
  return emu.control
    .requestLog()
    .slice(mark)
    .filter((e) => e.method !== 'GET' && !/\/(query|search)$/.test(e.route ?? ''));
}

/** Rewrites every file's body into another document; sync must reach Notion with targeted edits. */
async function editBodies(
  emu: Emulator,
  h: Harness,
  dir: string,
  clock: ReturnType<typeof createManualClock>,
  edits: string[],
): Promise<void> {
  const before = await files(dir);
  for (const [i, [name, text]] of [...before].entries()) {
    const head = text.slice(0, text.indexOf('\n---\n', 4) + 5);
    await writeFile(join(dir, name), `${head}\n${edits[i % edits.length]}\n`);
  }
  await clock.advance(5 * 60_000);
  const mark = emu.control.requestLog().length;
  expect((await h.engine.sync(['docs'])).ok).toBe(true);
  const kinds = writesSince(emu, mark).map((e) => e.bodyType ?? e.route);
  expect(kinds.filter((k) => k === 'replace_content')).toEqual([]);
  // One request per page: what Notion only re-renders (`*x*` served as `_x_`) is not sent again.
  expect(kinds.filter((k) => k === 'update_content').length).toBeLessThanOrEqual(before.size);
  const synced = await files(dir);
  for (const [name, text] of synced) {
    const id = /notion_id: (\S+)/.exec(text)?.[1] ?? '';
    const served = await emu.client().pages.retrieveMarkdown({ page_id: id });
    expect(text.endsWith(`---\n\n${served.markdown}\n`), name).toBe(true);
  }
  await clock.advance(5 * 60_000);
  const again = emu.control.requestLog().length;
  expect((await h.engine.sync(['docs'])).ok).toBe(true);
  expect((await h.engine.pull(['docs'])).ok).toBe(true);
  expect(writesSince(emu, again)).toEqual([]);
  expect(await files(dir)).toEqual(synced);
}

describe.each(factories)('folder target canonical form on $name', (factory) => {
  it('pull → sync → pull changes no byte and sends nothing, for generated bodies', async () => {
    const runs = factory.name === 'postgres' ? (SOAK ? 20 : 3) : SOAK ? 100 : 10;
    await fc.assert(
      fc.asyncProperty(
        fc.array(body, { minLength: 1, maxLength: 4 }),
        fc.array(body, { minLength: 4, maxLength: 4 }),
        async (bodies, edits) => {
          const clock = createManualClock(PUSH_TEST_START_MS);
          const emu = await createEmulator({ clock });
          const dsId = await createDataSource(emu.client(), emu.rootPageId, {
            Name: { title: {} },
          });
          for (const [i, markdown] of bodies.entries()) {
            await emu.client().pages.create({
              parent: { data_source_id: dsId },
              properties: { Name: { title: [{ text: { content: `Doc ${i}` } }] } },
              markdown,
            } as never);
          }
          const dir = await mkdtemp(join(tmpdir(), 'folder-canonical-'));
          const sources = [
            {
              name: 'docs',
              dataSource: dsId,
              direction: 'both',
              content: 'markdown',
              target: { folder: dir },
            },
          ] as SourceConfig[];
          const h = await createPullHarness(factory, emu, sources, clock);
          try {
            expect((await h.engine.sync(['docs'])).ok).toBe(true);
            const first = await files(dir);
            expect(first.size).toBe(bodies.length);
            for (const [name, text] of first) {
              const id = /notion_id: (\S+)/.exec(text)?.[1] ?? '';
              const served = await emu.client().pages.retrieveMarkdown({ page_id: id });
              expect(text.endsWith(`---\n\n${served.markdown}\n`), name).toBe(true);
            }
            await clock.advance(5 * 60_000);
            const mark = emu.control.requestLog().length;
            const again = await h.engine.sync(['docs']);
            expect(again.targets?.[0]?.scan).toMatchObject({ created: 0, updated: 0, deleted: 0 });
            expect((await h.engine.pull(['docs'])).ok).toBe(true);
            const writes = emu.control
              .requestLog()
              .slice(mark)
              .filter((e) => e.method !== 'GET' && !/\/(query|search)$/.test(e.route ?? ''));
            expect(writes).toEqual([]);
            expect(await files(dir)).toEqual(first);
            await editBodies(emu, h, dir, clock, edits);
          } finally {
            await h.store.close();
            await rm(dir, { recursive: true, force: true });
          }
        },
      ),
      { seed: 14, numRuns: runs },
    );
  });
});
