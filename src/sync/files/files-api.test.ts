// Invariant: a stored file is removed only when no version refers to it any more (and it was
// recorded before the grace period); a page's files map to local paths by their identity, so
// Markdown that names them by signed URL links the local copies. Partial files of a process that
// died are gone when the directory store opens again. SQLite and PostgreSQL.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../config/index.ts';
import { createEmulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { createManualClock } from '../../shared/index.ts';
import { DEFAULT_FILES_DIR } from '../../store/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import { createPullHarness } from '../test-support/pull-harness.ts';
import { localizeMarkdown } from './files-api.ts';

const HOUR_MS = 3_600_000;

async function pageWithFile(
  factory: Parameters<typeof createPullHarness>[0],
  source: Partial<SourceConfig> = {},
) {
  const clock = createManualClock(Date.UTC(2026, 5, 6, 7, 0, 0));
  const emu = await createEmulator({ clock });
  const notion = emu.client();
  const dsId = await createDataSource(notion, emu.rootPageId, {
    Name: { title: {} },
    Files: { files: {} },
  });
  const upload = async (name: string, data: string) => {
    const created = await notion.fileUploads.create({ mode: 'single_part', filename: name });
    await notion.fileUploads.send({ file_upload_id: created.id, file: { filename: name, data } });
    return created.id;
  };
  const first = await upload('a.txt', 'first bytes');
  const [pageId] = emu.control.bulkCreatePages(dsId, [
    { Files: { files: [{ type: 'file_upload', file_upload: { id: first } }] } },
  ]);
  await clock.advance(5 * 60_000);
  const h = await createPullHarness(
    factory,
    emu,
    [{ name: 'files', dataSource: dsId, ...source } as SourceConfig],
    clock,
  );
  await h.engine.pull(['files']);
  return { emu, clock, pageId: pageId!, h, upload, notion };
}

describe.each(storeFactories())('kept files on $name', (factory) => {
  it('removes a file only once no kept version refers to it', async () => {
    const { clock, pageId, h, upload, notion } = await pageWithFile(factory);
    const [old] = await h.engine.files.list(pageId);
    const next = await upload('b.txt', 'second bytes');
    await notion.pages.update({
      page_id: pageId,
      properties: { Files: { files: [{ type: 'file_upload', file_upload: { id: next } }] } },
    });
    await clock.advance(2 * 60_000);
    await h.engine.pull(['files']);
    const [current] = await h.engine.files.list(pageId);
    expect(current!.hash).not.toBe(old!.hash);

    await clock.advance(2 * HOUR_MS);
    // The old version still refers to the old file: nothing to remove.
    expect(await h.engine.files.removeUnreferenced()).toEqual({ removed: 0, bytes: 0 });
    expect(await h.store.pruneVersions({ keepLatest: 1 })).toBe(1);
    expect(await h.engine.files.removeUnreferenced({ graceMs: 3 * HOUR_MS })).toEqual({
      removed: 0,
      bytes: 0,
    });
    expect(await h.engine.files.removeUnreferenced()).toEqual({ removed: 1, bytes: 11 });
    expect(await h.store.blobs.has(old!.hash!)).toBe(false);
    expect(await h.store.files.getFile(old!.hash!)).toBeUndefined();
    expect(await h.store.blobs.has(current!.hash!)).toBe(true);
    await expect(h.engine.files.open(old!.hash!)).rejects.toMatchObject({ code: 'file_not_found' });
  });

  it('janitor removes the files of the versions its retention pruned', async () => {
    const { clock, pageId, h, upload, notion } = await pageWithFile(factory, {
      retention: { keepVersions: 1 },
    });
    const [old] = await h.engine.files.list(pageId);
    const next = await upload('b.txt', 'second bytes');
    await notion.pages.update({
      page_id: pageId,
      properties: { Files: { files: [{ type: 'file_upload', file_upload: { id: next } }] } },
    });
    await clock.advance(2 * 60_000);
    await h.engine.pull(['files']);
    await clock.advance(2 * HOUR_MS);

    const dry = await h.engine.janitor({ dryRun: true, skipDuplicates: true });
    expect(dry.files.removed).toBe(0); // the old version still refers to it until pruned
    const report = await h.engine.janitor({ skipDuplicates: true });
    expect(report.versions[0]!.pruned).toBe(1);
    expect(report.files).toEqual({ removed: 1, bytes: 11 });
    expect(await h.store.blobs.has(old!.hash!)).toBe(false);
    const [current] = await h.engine.files.list(pageId);
    expect(await h.store.blobs.has(current!.hash!)).toBe(true);
  });

  it('maps a page file to a local path and links it from Markdown by identity', async () => {
    const { emu, pageId, h } = await pageWithFile(factory);
    const [ref] = await h.engine.files.list(pageId);
    const paths = await h.engine.files.localPaths(pageId, 'files');
    expect([...paths.values()]).toEqual([`files/${ref!.hash!.slice(0, 12)}-a.txt`]);
    const page = (await emu.client().pages.retrieve({ page_id: pageId })) as unknown as {
      properties: { Files: { files: { file: { url: string } }[] } };
    };
    const signed = page.properties.Files.files[0]!.file.url;
    expect(localizeMarkdown(`see ![a](${signed}) and https://example.com/x`, paths)).toBe(
      `see ![a](files/${ref!.hash!.slice(0, 12)}-a.txt) and https://example.com/x`,
    );
  });

  it.runIf(factory.name === 'sqlite-file')(
    'removes partial files of a dead process when the store opens again',
    async () => {
      const { h } = await pageWithFile(factory);
      const partial = join(dirname(h.testStore.url), DEFAULT_FILES_DIR, '.partial');
      await mkdir(partial, { recursive: true });
      const { hostname } = await import('node:os');
      const host = hostname().replaceAll('-', '_');
      // pid 2^22 + 1 is above Linux's pid_max: no such process.
      await writeFile(join(partial, `${host}-4194305-dead`), 'half a file');
      await writeFile(join(partial, `${host}-${process.pid}-alive`), 'being written');
      await h.testStore.reopen();
      expect(await readdir(partial)).toEqual([`${host}-${process.pid}-alive`]);
    },
  );
});
