// File access of a folder target: reads that tell "missing" from "unreadable", atomic writes
// (a temp file renamed over the old one, so a reader never sees half a file), and the hash a
// target item remembers.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function createFolderFiles(root: string) {
  const full = (relative: string) => join(root, ...relative.split('/'));
  return {
    full,
    async read(relative: string): Promise<string | null> {
      try {
        return await readFile(full(relative), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async write(relative: string, text: string): Promise<void> {
      const path = full(relative);
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temp, text, 'utf8');
      await rename(temp, path);
    },
    /** Removes the file, then its folders while they are empty (never the root). */
    async remove(relative: string): Promise<void> {
      await rm(full(relative), { force: true });
      const parts = relative.split('/').slice(0, -1);
      while (parts.length > 0) {
        try {
          await rmdir(full(parts.join('/')));
        } catch {
          return;
        }
        parts.pop();
      }
    },
  };
}

export type FolderFiles = ReturnType<typeof createFolderFiles>;
