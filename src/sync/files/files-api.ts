// Reading kept files back: by hash, by page, as local paths (the Markdown folder target links
// them by relative path), and janitor's removal of files no kept version refers to.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NotionSyncError } from '../../errors.ts';
import { fileIdentity } from '../../notion/index.ts';
import { parseNotionId } from '../../shared/index.ts';
import type { VersionFile } from '../../store/index.ts';
import type { Store } from '../store-api.ts';

export interface FileWritten {
  hash: string;
  name: string;
  path: string;
}

export interface FilesApi {
  /** The bytes stored under `hash` as a stream. Errors: `file_not_found`. */
  open(hash: string): Promise<Readable>;
  /** File references of current versions (of one page when given): name, slot, hash, state. */
  list(pageIdOrUrl?: string): Promise<VersionFile[]>;
  /**
   * Copies a stored file (by hash) or every stored file of a page into `outDir`; returns the
   * written paths. Errors: `file_not_found`, `store_not_found`, `usage`.
   */
  get(hashOrPage: string, outDir: string): Promise<FileWritten[]>;
  /**
   * Where a page's files go in a folder `dir`: identity (Notion's reference without its
   * signature) → local path. Only stored files are mapped.
   */
  localPaths(pageIdOrUrl: string, dir: string): Promise<Map<string, string>>;
  /** Removes stored files no kept version refers to (janitor); see `removeUnreferencedFiles`. */
  removeUnreferenced(options?: RemoveUnreferencedOptions): Promise<RemovedFiles>;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Where a file sits, for people: `property:<id>:<n>` as `Name[n]`; icon, cover, `content:<n>` as they are. */
export function fileSlotLabel(slot: string, names: Record<string, string>): string {
  const m = /^property:(.+):(\d+)$/.exec(slot);
  return m ? `${names[m[1]!] ?? m[1]}[${m[2]}]` : slot;
}

/** A file name safe on every file system, unique per content: `<hash12>-<name>`. */
export function localFileName(hash: string, name: string): string {
  const safe =
    [...name]
      .map((c) => (c.charCodeAt(0) < 32 || '/\\:*?"<>|'.includes(c) ? '_' : c))
      .join('')
      .slice(0, 120) || 'file';
  return `${hash.slice(0, 12)}-${safe}`;
}

/** Markdown with each file link whose identity is in `paths` replaced by its local path. */
export function localizeMarkdown(markdown: string, paths: Map<string, string>): string {
  return markdown.replace(
    /https?:\/\/[^\s)"'<>]+/g,
    (url) => paths.get(fileIdentity(url.replaceAll('&amp;', '&'))) ?? url,
  );
}

export interface RemoveUnreferencedOptions {
  /** Keep files recorded less than this long ago (a pull may be about to refer to them); default 1 h. */
  graceMs?: number;
  nowMs?: number;
}

export interface RemovedFiles {
  removed: number;
  bytes: number;
}

/**
 * Removes stored files (bytes and rows) that no version refers to — run after janitor prunes
 * versions. Files recorded within `graceMs` stay: a pull stores bytes before it marks the
 * references that name them.
 */
export async function removeUnreferencedFiles(
  store: Store,
  options: RemoveUnreferencedOptions = {},
): Promise<RemovedFiles> {
  const cutoff = new Date(
    (options.nowMs ?? Date.now()) - (options.graceMs ?? 3_600_000),
  ).toISOString();
  let removed = 0;
  let bytes = 0;
  for (const hash of await store.files.listUnreferenced()) {
    const file = await store.files.getFile(hash);
    if (!file || file.createdAt > cutoff) continue;
    await store.files.deleteFileRows([hash]);
    // Referenced again between the listing and the delete: put the row back, keep the bytes.
    if (await store.files.isReferenced(hash)) {
      await store.files.recordFile(file);
      continue;
    }
    await store.blobs.remove(hash);
    removed += 1;
    bytes += file.sizeBytes;
  }
  return { removed, bytes };
}

async function copyOut(
  store: Store,
  hash: string,
  name: string,
  outDir: string,
): Promise<FileWritten> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, localFileName(hash, name));
  const temp = `${path}.partial`;
  try {
    await pipeline(await store.blobs.open(hash), createWriteStream(temp));
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { hash, name, path };
}

function pageIdOf(input: string): string {
  const id = parseNotionId(input);
  if (!id)
    throw new NotionSyncError(
      'usage',
      `"${input}" is neither a file hash (64 hex characters) nor a Notion page id or URL.`,
      { details: { input } },
    );
  return id;
}

export function createFilesApi(store: Store, now: () => number): FilesApi {
  const list = async (page?: string) =>
    store.files.list(page === undefined ? {} : { pageId: pageIdOf(page) });
  return {
    open: (hash) => store.blobs.open(hash),
    list,
    async get(hashOrPage, outDir) {
      if (SHA256.test(hashOrPage)) {
        const file = await store.files.getFile(hashOrPage);
        if (!file)
          throw new NotionSyncError(
            'file_not_found',
            `No stored file ${hashOrPage}; \`notion-sync files list\` shows what is kept.`,
          );
        const named = (await store.files.list({ states: ['stored'] })).find(
          (r) => r.hash === hashOrPage,
        );
        return [await copyOut(store, hashOrPage, named?.name ?? 'file', outDir)];
      }
      const refs = await list(hashOrPage);
      const records = await store.records.findByKey(pageIdOf(hashOrPage));
      if (records.length === 0)
        throw new NotionSyncError(
          'store_not_found',
          `Page ${hashOrPage} is not in the store; pull its source first.`,
        );
      const out: FileWritten[] = [];
      const seen = new Set<string>();
      for (const ref of refs) {
        if (!ref.hash || seen.has(ref.hash)) continue;
        seen.add(ref.hash);
        out.push(await copyOut(store, ref.hash, ref.name, outDir));
      }
      return out;
    },
    async localPaths(page, dir) {
      const paths = new Map<string, string>();
      for (const ref of await list(page))
        if (ref.hash) paths.set(ref.identity, join(dir, localFileName(ref.hash, ref.name)));
      return paths;
    },
    removeUnreferenced: (options = {}) =>
      removeUnreferencedFiles(store, { nowMs: now(), ...options }),
  };
}
