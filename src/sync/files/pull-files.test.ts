// Invariant: every Notion-hosted file a kept version refers to is stored once by SHA-256 before
// any reference names it; new signatures alone never write a version nor download anything; a
// failed or interrupted download leaves no partial file and no reference to missing bytes, and
// the next pull completes it (re-reading the page when the link expired). Runs on every store
// dialect against the emulator.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Client } from '@notionhq/client';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { createManualClock, type ManualClock } from '../../shared/index.ts';
import { DEFAULT_FILES_DIR } from '../../store/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness } from '../test-support/pull-harness.ts';

const HOUR_MS = 3_600_000;
const FILE_BYTES = 50 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** 50 KB of bytes that differ per `n`. */
function fileBytes(n: number): Buffer {
  const bytes = Buffer.alloc(FILE_BYTES);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((i * 2654435761 + n) >>> 0, i);
  return bytes;
}

async function uploadFile(notion: Client, name: string, bytes: Buffer): Promise<string> {
  const upload = await notion.fileUploads.create({ mode: 'single_part', filename: name });
  await notion.fileUploads.send({
    file_upload_id: upload.id,
    file: { filename: name, data: new Blob([new Uint8Array(bytes)]) },
  });
  return upload.id;
}

interface Seeded {
  emu: Emulator;
  clock: ManualClock;
  dsId: string;
  ids: string[];
  /** Expected SHA-256 by row index. */
  hashes: string[];
  /** Rows with an image in their content, and the image's hash. */
  images: Map<number, string>;
  /** File upload ids by row index. */
  uploads: string[];
}

/** `rows` rows with a 50 KB file each (every 4th row repeats row i-1's bytes) and some images. */
async function seedFiles(rows: number): Promise<Seeded> {
  const clock = createManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  const emu = await createEmulator({ clock });
  const notion = emu.client();
  const dsId = await createDataSource(notion, emu.rootPageId, {
    Name: { title: {} },
    Receipt: { files: {} },
  });
  const hashes: string[] = [];
  const uploads: string[] = [];
  const properties = [];
  for (let i = 0; i < rows; i += 1) {
    const bytes = fileBytes(i % 4 === 3 ? i - 1 : i);
    hashes.push(sha256(bytes));
    const id = await uploadFile(notion, `receipt-${i}.pdf`, bytes);
    uploads.push(id);
    properties.push({
      Name: { title: [{ text: { content: `row ${i}` } }] },
      Receipt: { files: [{ type: 'file_upload', file_upload: { id } }] },
    });
  }
  const ids = emu.control.bulkCreatePages(dsId, properties);
  const images = new Map<number, string>();
  for (let i = 0; i < rows; i += 25) {
    const bytes = fileBytes(100_000 + i);
    const id = await uploadFile(notion, `shot-${i}.png`, bytes);
    await notion.blocks.children.append({
      block_id: ids[i]!,
      children: [{ image: { type: 'file_upload', file_upload: { id } } }],
    });
    images.set(i, sha256(bytes));
  }
  await clock.advance(10 * 60_000);
  emu.control.clearRequestLog();
  emu.control.clearDownloadLog();
  return { emu, clock, dsId, ids, hashes, images, uploads };
}

async function readAll(stream: AsyncIterable<Buffer | Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const source = (dsId: string) => [
  { name: 'receipts', dataSource: dsId, content: 'markdown' as const },
];

describe.each(storeFactories())('files on $name', (factory) => {
  it('keeps every file once by SHA-256, with the same API calls as without files', async () => {
    const rows = 200;
    const seeded = await seedFiles(rows);
    const { emu, clock, dsId } = seeded;
    const h = await createPullHarness(factory, emu, source(dsId), clock);
    const result = await h.engine.pull(['receipts']);
    expect(result.sources[0]).toMatchObject({ status: 'ok', counts: { created: rows } });
    const distinct = new Set([...seeded.hashes, ...seeded.images.values()]);
    expect(result.sources[0]!.files.downloaded).toBe(rows + seeded.images.size);
    expect(result.sources[0]!.gaps.missingFiles).toBe(0);
    expect(emu.control.downloadLog()).toHaveLength(rows + seeded.images.size);

    const refs = await h.store.files.list({});
    expect(refs.every((r) => r.state === 'stored')).toBe(true);
    for (const [i, pageId] of seeded.ids.entries()) {
      const mine = refs.filter((r) => r.pageId === pageId);
      expect(mine.find((r) => r.slot.startsWith('property:'))?.hash).toBe(seeded.hashes[i]);
      if (seeded.images.has(i))
        expect(mine.find((r) => r.slot.startsWith('content:'))?.hash).toBe(seeded.images.get(i));
    }
    const stored = await h.store.db.selectFrom('files').select('hash').execute();
    expect(new Set(stored.map((r) => r.hash))).toEqual(distinct);
    expect(stored).toHaveLength(distinct.size);
    for (const hash of distinct)
      expect(sha256(await readAll(await h.store.blobs.open(hash)))).toBe(hash);
    if (factory.name === 'sqlite-file') {
      const dir = join(dirname(h.testStore.url), DEFAULT_FILES_DIR);
      const onDisk = (await readdir(dir, { recursive: true })).filter((p) =>
        /[0-9a-f]{64}$/.test(p),
      );
      expect(onDisk).toHaveLength(distinct.size);
    }

    const view = h.testStore.schema
      ? sql.table(`${h.testStore.schema}._files`)
      : sql.table('_files');
    const { rows: viewRows } = await sql<{ name: string; hash: string; state: string }>`
      select name, hash, state from ${view} where page_id = ${seeded.ids[3]!}`.execute(h.store.db);
    expect(viewRows).toEqual([{ name: 'receipt-3.pdf', hash: seeded.hashes[3], state: 'stored' }]);

    const without = await createPullHarness(factory, emu, source(dsId), clock, {
      files: { keep: false },
    });
    const plain = await without.engine.pull(['receipts']);
    expect(plain.sources[0]!.files.downloaded).toBe(0);
    expect(result.sources[0]!.apiCalls).toEqual(plain.sources[0]!.apiCalls);
  });

  it('writes nothing and downloads nothing when only signatures changed; a changed file once', async () => {
    const { emu, clock, dsId, ids } = await seedFiles(12);
    const h = await createPullHarness(factory, emu, source(dsId), clock);
    await h.engine.pull(['receipts']);
    await clock.advance(2 * HOUR_MS);
    emu.control.clearDownloadLog();
    const again = await h.engine.pull(['receipts'], { full: true });
    expect(again.sources[0]!.counts).toMatchObject({ created: 0, updated: 0 });
    expect(emu.control.downloadLog()).toHaveLength(0);

    const notion = emu.client();
    const replaced = fileBytes(999);
    const upload = await uploadFile(notion, 'new.pdf', replaced);
    await notion.pages.update({
      page_id: ids[5]!,
      properties: { Receipt: { files: [{ type: 'file_upload', file_upload: { id: upload } }] } },
    });
    await clock.advance(2 * 60_000);
    const changed = await h.engine.pull(['receipts']);
    expect(changed.sources[0]!.counts).toMatchObject({ updated: 1 });
    expect(emu.control.downloadLog()).toHaveLength(1);
    const [ref] = await h.store.files.list({ pageId: ids[5]! });
    expect(ref).toMatchObject({ state: 'stored', hash: sha256(replaced), name: 'new.pdf' });

    // A new cover is a new version too, and its file is kept.
    const cover = fileBytes(4242);
    const coverUpload = await uploadFile(notion, 'cover.png', cover);
    await notion.pages.update({
      page_id: ids[6]!,
      cover: { type: 'file_upload', file_upload: { id: coverUpload } },
    } as Parameters<typeof notion.pages.update>[0]);
    await clock.advance(2 * 60_000);
    const covered = await h.engine.pull(['receipts']);
    expect(covered.sources[0]!.counts).toMatchObject({ updated: 1 });
    const refs = await h.store.files.list({ pageId: ids[6]! });
    expect(refs.find((r) => r.slot === 'cover')).toMatchObject({ hash: sha256(cover) });
  });

  it('keeps the files of rows pulled before files were kept, without a new version', async () => {
    const { emu, clock, dsId, hashes } = await seedFiles(6);
    const h = await createPullHarness(factory, emu, source(dsId), clock);
    const before = await h.engineWith({ files: { keep: false } }).pull(['receipts']);
    expect(before.sources[0]!.counts.created).toBe(6);
    expect(await h.store.files.list({})).toEqual([]);
    await clock.advance(2 * HOUR_MS);
    const full = await h.engine.pull(['receipts'], { full: true });
    expect(full.sources[0]!.counts).toMatchObject({ created: 0, updated: 0 });
    expect(full.sources[0]!.files.downloaded).toBe(7); // six receipts and the image of row 0
    const refs = await h.store.files.list({});
    expect(
      refs
        .filter((r) => r.slot.startsWith('property:'))
        .map((r) => r.hash)
        .sort(),
    ).toEqual([...hashes].sort());
  });

  it('leaves no partial file and no dangling reference after a failed download; the next pull completes it', async () => {
    const { emu, clock, dsId, uploads } = await seedFiles(4);
    const h = await createPullHarness(factory, emu, source(dsId), clock);
    // Both tries of the run (after the batch, and the retry at its end) drop mid-file.
    emu.control.failDownloads({ afterBytes: 20_000, times: 2, uploadId: uploads[1]! });
    const first = await h.engine.pull(['receipts']);
    expect(first.sources[0]).toMatchObject({ status: 'ok', counts: { created: 4 } });
    expect(first.sources[0]!.gaps.missingFiles).toBe(1);
    const refs = await h.store.files.list({});
    const failed = refs.filter((r) => r.state !== 'stored');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ state: 'failed', hash: null });
    for (const ref of refs.filter((r) => r.hash))
      expect(await h.store.blobs.has(ref.hash!)).toBe(true);
    const files = await h.store.db.selectFrom('files').select('hash').execute();
    expect(files).toHaveLength(new Set(refs.flatMap((r) => (r.hash ? [r.hash] : []))).size);
    if (factory.name === 'sqlite-file') {
      const partial = join(dirname(h.testStore.url), DEFAULT_FILES_DIR, '.partial');
      expect(await readdir(partial)).toEqual([]);
    }

    // Two hours later every link read by the first pull has expired: one page re-read.
    await clock.advance(2 * HOUR_MS);
    emu.control.clearRequestLog();
    const second = await h.engine.pull(['receipts']);
    expect(second.sources[0]!.gaps.missingFiles).toBe(0);
    expect(second.sources[0]!.apiCalls['GET /v1/pages/{id}']).toBe(1);
    expect((await h.store.files.list({})).every((r) => r.state === 'stored')).toBe(true);
  });

  it('records a file gone from storage and a file over files.maxBytes as coverage gaps', async () => {
    const { emu, clock, dsId } = await seedFiles(3);
    const h = await createPullHarness(factory, emu, source(dsId), clock, {
      files: { maxBytes: 10_000 },
    });
    const result = await h.engine.pull(['receipts']);
    // Three receipts and the image of row 0.
    expect(result.sources[0]!.gaps.missingFiles).toBe(4);
    expect((await h.store.files.list({})).map((r) => r.state)).toEqual(Array(4).fill('too_large'));
    const status = await h.engine.status();
    expect(status[0]!.gaps?.missingFiles).toBe(4);

    const budgeted = await seedFiles(5);
    const b = await createPullHarness(
      factory,
      budgeted.emu,
      source(budgeted.dsId),
      budgeted.clock,
      {
        files: { totalBytes: 120 * 1024 },
      },
    );
    const limited = await b.engine.pull(['receipts']);
    // Two 50 KB files fit in 120 KB; the three others and the image are over the budget.
    const states = (await b.store.files.list({})).map((r) => r.state).sort();
    expect(states.filter((s) => s === 'stored')).toHaveLength(2);
    expect(states.filter((s) => s === 'over_budget')).toHaveLength(4);
    expect(limited.sources[0]!.gaps.missingFiles).toBe(4);
    expect(await b.store.files.totalBytes()).toBeLessThanOrEqual(120 * 1024);

    const gone = await seedFiles(2);
    const g = await createPullHarness(factory, gone.emu, source(gone.dsId), gone.clock);
    for (const upload of Object.keys(gone.emu.control.snapshot().state.fileUploads))
      gone.emu.control.removeFileBytes(upload);
    const pulled = await g.engine.pull(['receipts']);
    expect(pulled.sources[0]!.gaps.missingFiles).toBe(3);
    expect((await g.store.files.list({})).map((r) => r.state)).toEqual(Array(3).fill('gone'));
  });
});
