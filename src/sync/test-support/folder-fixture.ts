// A page tree and the Tasks database of the emulator's demo workspace, each with a folder
// target in a temp directory, over a store of the given dialect (folder target tests). The
// emulator and its demo workspace are the test's (sync's layering: taken structurally).
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { onTestFinished } from 'vitest';
import { parse } from 'yaml';
import type { SourceConfig } from '../../config/index.ts';
import type { ManualClock } from '../../shared/index.ts';
import type { StoreFactory } from '../../store/test-support/store-factories.ts';
import { createPullHarness, type EmulatorEndpoint } from './pull-harness.ts';

/** Every file under `root` (path → text and modification time). */
export async function snapshot(
  root: string,
): Promise<Map<string, { text: string; mtime: number }>> {
  const out = new Map<string, { text: string; mtime: number }>();
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else
        out.set(relative(root, path).split('\\').join('/'), {
          text: await readFile(path, 'utf8'),
          mtime: (await stat(path)).mtimeMs,
        });
    }
  };
  await walk(root);
  return out;
}

export function frontmatter(text: string): Record<string, unknown> {
  const end = text.indexOf('\n---\n', 4);
  return parse(text.slice(4, end + 1)) as Record<string, unknown>;
}

export interface FolderFixtureOptions {
  /** Extra target keys of the tasks source (`rename`, …). */
  tasks?: Record<string, unknown>;
  /** The wiki takes local edits (`direction: both`). */
  wikiBoth?: boolean;
}

/** The emulator as the fixture uses it: an endpoint with a request log. */
export interface FolderEmulator extends EmulatorEndpoint {
  control: { requestLog(): { method: string; route: string | null }[] };
}

/** The demo workspace's ids the fixture needs. */
export interface FolderDemo {
  wikiPageId: string;
  tasksDatabaseId: string;
}

export async function createFolderFixture<E extends FolderEmulator, D extends FolderDemo>(
  factory: StoreFactory,
  world: { emu: E; demo: D; clock: ManualClock },
  options: FolderFixtureOptions = {},
) {
  const { emu, demo, clock } = world;
  const dir = await mkdtemp(join(tmpdir(), 'folder-target-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const sources = [
    {
      name: 'wiki',
      page: demo.wikiPageId,
      content: 'markdown',
      ...(options.wikiBoth ? { direction: 'both' } : {}),
      target: { folder: join(dir, 'wiki') },
    },
    {
      name: 'tasks',
      database: demo.tasksDatabaseId,
      direction: 'both',
      target: { folder: join(dir, 'tasks'), ...options.tasks },
    },
  ] as SourceConfig[];
  const h = await createPullHarness(factory, emu, sources, clock);
  onTestFinished(() => h.store.close());
  /** Write requests since `mark` (search is a read, like a query). */
  const writesSince = (mark: number) =>
    emu.control
      .requestLog()
      .slice(mark)
      .filter((e) => e.method !== 'GET' && !/\/(query|search)$/.test(e.route ?? ''))
      .map((e) => e.route);
  const later = () => clock.advance(5 * 60_000);
  return { ...h, emu, demo, dir, clock, writesSince, later };
}
