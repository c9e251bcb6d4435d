// Files in a directory: `<dir>/<aa>/<sha256>`. A write goes to `<dir>/.partial/<host>-<pid>-…`,
// is synced, hashed and checked, and only then renamed into place (rename is atomic within one
// file system), so a crash or a full disk never leaves a partial file under a hash. Partial files
// of processes that died (same host, pid gone) are removed when the store opens.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { NotionSyncError } from '../../errors.ts';
import { bodyFailure, createByteCheck } from './checked-bytes.ts';
import {
  type FileStore,
  SHA256_HEX,
  type StoredFile,
  type WriteFileOptions,
} from './file-store.ts';

const PARTIAL = '.partial';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes partial files left by processes of this host that no longer run. */
export async function removeStalePartials(dir: string): Promise<number> {
  const host = hostname().replaceAll('-', '_');
  let removed = 0;
  for (const name of await readdir(join(dir, PARTIAL)).catch(() => [] as string[])) {
    const [owner, pid] = name.split('-');
    if (owner !== host || isAlive(Number(pid))) continue;
    await rm(join(dir, PARTIAL, name), { force: true });
    removed += 1;
  }
  return removed;
}

function storeError(error: unknown, dir: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new NotionSyncError(
      'file_store_full',
      `The disk holding the file store (${dir}) is full; nothing partial was kept. Free space or point files.dir elsewhere; the next pull retries.`,
      { cause: error },
    );
  }
  return bodyFailure(error);
}

function pathOf(dir: string, hash: string): string {
  if (!SHA256_HEX.test(hash))
    throw new NotionSyncError('file_not_found', `"${hash}" is not a SHA-256 file hash.`);
  return join(dir, hash.slice(0, 2), hash);
}

async function writeChecked(
  dir: string,
  body: AsyncIterable<Uint8Array>,
  options: WriteFileOptions,
): Promise<StoredFile> {
  await mkdir(join(dir, PARTIAL), { recursive: true });
  const host = hostname().replaceAll('-', '_');
  const temp = join(dir, PARTIAL, `${host}-${process.pid}-${randomUUID()}`);
  const handle = await open(temp, 'wx');
  let closed = false;
  try {
    const check = createByteCheck(options);
    for await (const chunk of body) {
      check.add(chunk);
      await handle.write(chunk);
    }
    const stored = check.finish();
    await handle.sync();
    await handle.close();
    closed = true;
    const target = pathOf(dir, stored.hash);
    await mkdir(join(dir, stored.hash.slice(0, 2)), { recursive: true });
    await rename(temp, target);
    return stored;
  } catch (error) {
    if (!closed) await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw storeError(error, dir);
  }
}

export async function createDirectoryFileStore(dir: string): Promise<FileStore> {
  await mkdir(dir, { recursive: true });
  await removeStalePartials(dir);
  return {
    kind: 'directory',
    location: dir,
    write: (body, options = {}) => writeChecked(dir, body, options),
    async open(hash) {
      const path = pathOf(dir, hash);
      if (!(await stat(path).catch(() => null)))
        throw new NotionSyncError('file_not_found', `No stored file ${hash} in ${dir}.`);
      return createReadStream(path);
    },
    has: async (hash) =>
      SHA256_HEX.test(hash) && (await stat(pathOf(dir, hash)).catch(() => null)) !== null,
    remove: (hash) => rm(pathOf(dir, hash), { force: true }),
    async *list() {
      for (const prefix of await readdir(dir)) {
        if (prefix === PARTIAL || prefix.length !== 2) continue;
        for (const name of await readdir(join(dir, prefix))) if (SHA256_HEX.test(name)) yield name;
      }
    },
  };
}
