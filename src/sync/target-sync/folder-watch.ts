// `watch`: the folders of sources with a folder target are watched (chokidar), and each burst
// of saves is followed, once the folder has been quiet for `debounceMs`, by one `sync` of the
// sources whose folder changed. Invariants: syncs never overlap (saves during a sync wait for the
// next one); dot-folders (`.git`) and files other than `.md` are ignored; the files a sync's
// export writes cause at most one more sync, which finds nothing to send. Time runs on the
// injected clock, so a test moves the debounce forward without waiting.
import { watch as watchFiles } from 'chokidar';
import type { Clock } from '../../shared/index.ts';
import type { SyncResult } from '../push/push-types.ts';

export interface FolderWatchOptions {
  /** Source name → absolute folder. */
  folders: Map<string, string>;
  sync(names: string[]): Promise<SyncResult>;
  clock: Clock;
  /** Quiet time after the last save before a sync (default 500 ms). */
  debounceMs?: number;
  /** After every sync (its result, or the error it threw). */
  onSync?(names: string[], outcome: { result?: SyncResult; error?: unknown }): void;
  /** A save was seen (before the debounce). */
  onChange?(source: string, path: string): void;
}

export interface FolderWatch {
  /** Resolves once every folder is being watched. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const ignored = (path: string) =>
  path.split(/[\\/]/).some((part) => part.startsWith('.') && part.length > 1);

export function watchFolders(options: FolderWatchOptions): FolderWatch {
  const debounceMs = options.debounceMs ?? 500;
  const dirty = new Set<string>();
  let lastChange = 0;
  // One drain at a time: saves during a sync mark the source dirty for the same drain.
  let draining = false;
  let running: Promise<unknown> | null = null;
  let closed = false;

  async function drain(): Promise<void> {
    while (dirty.size > 0 && !closed) {
      const quiet = lastChange + debounceMs - options.clock.now();
      if (quiet > 0) {
        await options.clock.sleep(quiet);
        continue;
      }
      const names = [...dirty];
      dirty.clear();
      running = options.sync(names);
      try {
        options.onSync?.(names, { result: (await running) as SyncResult });
      } catch (error) {
        options.onSync?.(names, { error });
      } finally {
        running = null;
      }
    }
    draining = false;
  }

  const watchers = [...options.folders].map(([source, folder]) => {
    const watcher = watchFiles(folder, {
      ignoreInitial: true,
      ignored: (path, stats) =>
        ignored(path) || (stats?.isFile() === true && !path.endsWith('.md')),
    });
    const changed = (path: string) => {
      dirty.add(source);
      lastChange = options.clock.now();
      options.onChange?.(source, path);
      if (!draining) {
        draining = true;
        void drain();
      }
    };
    watcher.on('add', changed).on('change', changed).on('unlink', changed);
    return watcher;
  });
  const ready = Promise.all(
    watchers.map((w) => new Promise<void>((resolve) => w.once('ready', () => resolve()))),
  ).then(() => {});
  return {
    ready,
    async close() {
      closed = true;
      await Promise.all(watchers.map((w) => w.close()));
      // A sync under way finishes; a debounce still waiting is dropped.
      await running?.catch(() => {});
    },
  };
}
