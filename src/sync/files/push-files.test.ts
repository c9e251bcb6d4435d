// Invariant: a local file set on a `files` property is kept in the file store at edit time,
// uploaded with Notion's file upload API on push (single_part up to 20 MB, multi_part above,
// within the workspace's limit) and attached once; a pull brings back the same bytes without
// downloading them again; an upload interrupted before the write starts over and the page ends
// with the file attached once. SQLite and PostgreSQL.
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PageObjectResponse } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { isNotionSyncError } from '../../errors.ts';
import { createManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness } from '../test-support/pull-harness.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function setup(
  factory: Parameters<typeof createPullHarness>[0],
  options: { limit?: number } = {},
) {
  const clock = createManualClock(Date.UTC(2026, 4, 4, 8, 0, 0));
  const emu = await createEmulator({
    clock,
    ...(options.limit ? { fileUploadLimitBytes: options.limit } : {}),
  });
  const dsId = await createDataSource(emu.client(), emu.rootPageId, {
    Name: { title: {} },
    Attachment: { files: {} },
  });
  const [pageId] = emu.control.bulkCreatePages(dsId, [
    { Name: { title: [{ text: { content: 'invoice' } }] } },
  ]);
  await clock.advance(5 * 60_000);
  const h = await createPullHarness(
    factory,
    emu,
    [{ name: 'docs', dataSource: dsId, direction: 'both' }],
    clock,
    { retryWaitMs: 0 },
  );
  await h.engine.pull(['docs']);
  const dir = await mkdtemp(join(tmpdir(), 'notion-sync-push-files-'));
  return { emu, clock, dsId, pageId: pageId!, h, dir };
}

async function attachmentOf(emu: Emulator, pageId: string) {
  const page = (await emu.client().pages.retrieve({ page_id: pageId })) as PageObjectResponse;
  const value = page.properties.Attachment as {
    files: { name: string; type: string; file?: { url: string } }[];
  };
  return value.files;
}

describe.each(storeFactories().filter((f) => f.name !== 'sqlite-memory'))(
  'pushing files on $name',
  (factory) => {
    it('uploads a local file set on a files property; a pull keeps the same bytes', async () => {
      const { emu, clock, pageId, h, dir } = await setup(factory);
      const bytes = Buffer.from('%PDF-1.7 local scan '.repeat(3000));
      const path = join(dir, 'local.pdf');
      await writeFile(path, bytes);
      await h.engine.records.update('docs', pageId, {
        Attachment: [{ name: 'local.pdf', url: '', path }],
      });
      const pushed = await h.engine.push(['docs']);
      expect(pushed.ok).toBe(true);
      const uploads = emu.control
        .requestLog()
        .filter((e) => e.route?.startsWith('POST /v1/file_uploads'));
      expect(uploads.map((e) => e.route)).toEqual([
        'POST /v1/file_uploads',
        'POST /v1/file_uploads/{id}/send',
      ]);
      const files = await attachmentOf(emu, pageId);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatchObject({ name: 'local.pdf', type: 'file' });
      const served = Buffer.from(await (await emu.fetch(files[0]!.file!.url)).arrayBuffer());
      expect(served.equals(bytes)).toBe(true);

      await clock.advance(3 * 60_000);
      emu.control.clearDownloadLog();
      await h.engine.pull(['docs'], { full: true });
      const [ref] = await h.engine.files.list(pageId);
      expect(ref).toMatchObject({ state: 'stored', hash: sha256(bytes), name: 'local.pdf' });
      // The bytes came from the local file: nothing to download.
      expect(emu.control.downloadLog()).toHaveLength(0);
      const chunks: Buffer[] = [];
      for await (const chunk of await h.engine.files.open(ref!.hash!)) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    });

    it('sends a file over 20 MB in parts, and refuses one over the workspace limit', async () => {
      const { emu, pageId, h, dir } = await setup(factory, { limit: 40 * 1024 * 1024 });
      const big = Buffer.alloc(21 * 1024 * 1024, 7);
      await writeFile(join(dir, 'big.bin'), big);
      await h.engine.records.update('docs', pageId, {
        Attachment: [{ name: 'big.bin', url: '', path: join(dir, 'big.bin') }],
      });
      expect((await h.engine.push(['docs'])).ok).toBe(true);
      const routes = emu.control
        .requestLog()
        .flatMap((e) => (e.route?.includes('file_uploads') ? [e.route] : []));
      expect(routes).toEqual([
        'POST /v1/file_uploads',
        'POST /v1/file_uploads/{id}/send',
        'POST /v1/file_uploads/{id}/send',
        'POST /v1/file_uploads/{id}/send',
        'POST /v1/file_uploads/{id}/complete',
      ]);
      const [file] = await attachmentOf(emu, pageId);
      const served = Buffer.from(await (await emu.fetch(file!.file!.url)).arrayBuffer());
      expect(sha256(served)).toBe(sha256(big));

      const huge = Buffer.alloc(41 * 1024 * 1024, 1);
      await writeFile(join(dir, 'huge.bin'), huge);
      await h.engine.records.update('docs', pageId, {
        Attachment: [{ name: 'huge.bin', url: '', path: join(dir, 'huge.bin') }],
      });
      const refused = await h.engine.push(['docs']);
      expect(refused.sources[0]!.counts.dead).toBe(1);
      const [dead] = await h.store.outbox.list({ state: 'dead' });
      expect(dead?.lastError).toContain('accepts files up to');
    });

    it('starts an interrupted upload over and attaches the file once', async () => {
      const { emu, pageId, h, dir } = await setup(factory);
      await writeFile(join(dir, 'scan.pdf'), 'scan');
      await h.engine.records.update('docs', pageId, {
        Attachment: [{ name: 'scan.pdf', url: '', path: join(dir, 'scan.pdf') }],
      });
      emu.control.setFaults([{ route: 'POST /v1/file_uploads/{id}/send', status: 503, count: 1 }]);
      const pushed = await h.engine.push(['docs']);
      // The send failed: the retry starts a new upload, and the page gets the file once.
      expect(pushed.ok).toBe(true);
      expect(pushed.sources[0]!.apiCalls).toMatchObject({
        'POST /v1/file_uploads': 2,
        'POST /v1/file_uploads/{id}/send': 2,
        'PATCH /v1/pages/{id}': 1,
      });
      expect((await attachmentOf(emu, pageId)).map((f) => f.name)).toEqual(['scan.pdf']);
    });

    it('recognizes files its own lost write attached: no conflict, no second attach', async () => {
      const { emu, pageId, h, dir } = await setup(factory);
      await writeFile(join(dir, 'scan.pdf'), 'scan bytes');
      await h.engine.records.update('docs', pageId, {
        Attachment: [{ name: 'scan.pdf', url: '', path: join(dir, 'scan.pdf') }],
      });
      emu.control.setFaults([{ route: 'PATCH /v1/pages/{id}', applyThenFail: 504, count: 1 }]);
      const pushed = await h.engine.push(['docs']);
      expect(pushed.ok).toBe(true);
      expect(pushed.openConflicts).toBe(0);
      expect(pushed.sources[0]!.apiCalls['PATCH /v1/pages/{id}']).toBe(1);
      expect((await attachmentOf(emu, pageId)).map((f) => f.name)).toEqual(['scan.pdf']);
      expect(await h.store.outbox.list({ state: 'pending' })).toEqual([]);
    });

    it('refuses a path that is not a file, and keeps nothing', async () => {
      const { pageId, h, dir } = await setup(factory);
      const error = await h.engine.records
        .update('docs', pageId, {
          Attachment: [{ name: 'nope.pdf', url: '', path: join(dir, 'nope.pdf') }],
        })
        .catch((e: unknown) => e);
      expect(isNotionSyncError(error) && error.code).toBe('value_invalid');
      expect(await h.store.outbox.list({ state: 'pending' })).toEqual([]);
    });
  },
);
