// Invariant: a pull killed with SIGKILL in the middle of a download leaves no partial file under
// a hash and no reference to missing bytes; the next pull removes the dead process's partial
// file and stores every file. SQLite file (files in a directory) and PostgreSQL (files in the
// database).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { DEFAULT_FILES_DIR } from '../../store/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createEngine } from '../engine.ts';
import { emulatorClient } from '../test-support/pull-harness.ts';

const CHILD = fileURLToPath(new URL('../test-support/pull-child.ts', import.meta.url));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(storeFactories().filter((f) => f.persistent))(
  'a pull killed mid-download on $name',
  (factory) => {
    it('leaves no partial file and no dangling reference; the rerun completes', async () => {
      const emu = await createEmulator();
      const notion = emu.client();
      const dsId = await createDataSource(notion, emu.rootPageId, {
        Name: { title: {} },
        Receipt: { files: {} },
      });
      const hashes: string[] = [];
      const uploads: string[] = [];
      for (let i = 0; i < 6; i += 1) {
        const bytes = Buffer.alloc(50 * 1024, i + 1);
        const upload = await notion.fileUploads.create({
          mode: 'single_part',
          filename: `f${i}.pdf`,
        });
        await notion.fileUploads.send({
          file_upload_id: upload.id,
          file: { filename: `f${i}.pdf`, data: new Blob([new Uint8Array(bytes)]) },
        });
        hashes.push(sha256(bytes));
        uploads.push(upload.id);
      }
      emu.control.bulkCreatePages(
        dsId,
        uploads.map((id, i) => ({
          Name: { title: [{ text: { content: `r${i}` } }] },
          Receipt: { files: [{ type: 'file_upload', file_upload: { id } }] },
        })),
      );
      emu.control.failDownloads({
        afterBytes: 20_000,
        times: 1,
        uploadId: uploads[3]!,
        stall: true,
      });
      const server = await emu.listen({ port: 0 });
      try {
        const testStore = await factory.create();
        const child = spawn(process.execPath, [CHILD], {
          env: {
            ...process.env,
            PULL_CHILD: JSON.stringify({
              storeUrl: testStore.url,
              ...(testStore.schema ? { storeSchema: testStore.schema } : {}),
              baseUrl: server.baseUrl,
              token: emu.token,
              dataSourceId: dsId,
            }),
          },
          stdio: 'ignore',
        });
        const exited = new Promise((resolve) => child.on('exit', resolve));
        // Kill it once the hanging download has begun and the others are done.
        for (let i = 0; i < 1000; i += 1) {
          const log = emu.control.downloadLog();
          if (log.length >= 6 && log.some((d) => d.uploadId === uploads[3] && d.bytes === 20_000))
            break;
          await delay(10);
        }
        await delay(100);
        child.kill('SIGKILL');
        await exited;

        const partialDir = join(dirname(testStore.url), DEFAULT_FILES_DIR, '.partial');
        if (factory.name === 'sqlite-file') expect(await readdir(partialDir)).toHaveLength(1);
        const store = await testStore.reopen();
        const refs = await store.files.list({});
        expect(refs).toHaveLength(6);
        // Outcomes commit in groups: the group with the hanging download is not recorded.
        const waiting = refs.filter((r) => r.hash === null);
        expect(waiting.length).toBeGreaterThanOrEqual(1);
        expect(waiting.every((r) => r.state === 'pending')).toBe(true);
        for (const ref of refs.filter((r) => r.hash))
          expect(await store.blobs.has(ref.hash!)).toBe(true);
        // Opening the store again removed the dead process's partial file.
        if (factory.name === 'sqlite-file') expect(await readdir(partialDir)).toEqual([]);

        const engine = createEngine({
          config: { sources: [{ name: 'crashy', dataSource: dsId }] },
          store,
          notion: emulatorClient({ fetch: emu.fetch, baseUrl: server.baseUrl, token: emu.token }),
          staleRunAfterMs: 1,
        });
        const rerun = await engine.pull(['crashy']);
        expect(rerun.sources[0]).toMatchObject({
          status: 'ok',
          files: { downloaded: waiting.length },
        });
        const after = await store.files.list({});
        expect(after.map((r) => r.hash).sort()).toEqual([...hashes].sort());
        for (const hash of hashes) expect(await store.blobs.has(hash)).toBe(true);
      } finally {
        await server.close();
      }
    }, 60_000);
  },
);
