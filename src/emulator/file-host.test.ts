// Hosted files behave as Notion's storage: every read signs a fresh URL valid for an hour, an
// expired or altered URL gets S3's 403 XML, downloads are no API calls (not rate-limited, not in
// the request log) but have their own log.
import type { Client } from '@notionhq/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, createManualClock, type Emulator, type ManualClock } from './index.ts';
import { createDataSource } from './test-support.ts';

const HOUR_MS = 3_600_000;

async function upload(notion: Client, name: string, data: string): Promise<string> {
  const created = await notion.fileUploads.create({ mode: 'single_part', filename: name });
  await notion.fileUploads.send({ file_upload_id: created.id, file: { filename: name, data } });
  return created.id;
}

type FileValue = { name: string; type: string; file: { url: string; expiry_time: string } };

async function filesOf(notion: Client, pageId: string): Promise<FileValue[]> {
  const page = (await notion.pages.retrieve({ page_id: pageId })) as unknown as {
    properties: { Files: { files: FileValue[] } };
  };
  return page.properties.Files.files;
}

describe('hosted files', () => {
  let emu: Emulator;
  let notion: Client;
  let clock: ManualClock;
  let pageId: string;
  let uploadId: string;

  beforeEach(async () => {
    clock = createManualClock(Date.parse('2026-01-05T10:00:00Z'));
    emu = await createEmulator({ clock, rateLimit: { requestsPerSecond: 0.001, burst: 12 } });
    notion = emu.client();
    uploadId = await upload(notion, 'scan.pdf', 'pdf bytes');
    const dsId = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      Files: { files: {} },
    });
    clock.advance(10_000);
    const page = await notion.pages.create({
      parent: { data_source_id: dsId },
      properties: { Files: { files: [{ type: 'file_upload', file_upload: { id: uploadId } }] } },
    });
    pageId = page.id;
    emu.control.clearRequestLog();
  });

  it('signs a fresh URL on every read, expiring an hour after the read', async () => {
    const [first] = await filesOf(notion, pageId);
    clock.advance(30 * 60_000);
    const [second] = await filesOf(notion, pageId);
    expect(first!.file.url).not.toBe(second!.file.url);
    expect(first!.file.url.split('?')[0]).toBe(second!.file.url.split('?')[0]);
    expect(first!.file.url).toContain('X-Amz-Signature=');
    expect(Date.parse(second!.file.expiry_time)).toBe(clock.now() + HOUR_MS);
  });

  it('answers an expired URL with 403 and S3 XML, a fresh read downloads again', async () => {
    const [file] = await filesOf(notion, pageId);
    clock.advance(HOUR_MS + 1000);
    const expired = await emu.fetch(file!.file.url);
    expect(expired.status).toBe(403);
    expect(expired.headers.get('content-type')).toBe('application/xml');
    const xml = await expired.text();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toContain('<Message>Request has expired</Message>');
    const [fresh] = await filesOf(notion, pageId);
    const ok = await emu.fetch(fresh!.file.url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('pdf bytes');
    expect(emu.control.downloadLog().map((d) => [d.status, d.error])).toEqual([
      [403, 'AccessDenied'],
      [200, null],
    ]);
  });

  it('refuses an altered signature and a missing one', async () => {
    const [file] = await filesOf(notion, pageId);
    const altered = file!.file.url.replace(
      /X-Amz-Signature=([0-9a-f])/,
      (_, c) => `X-Amz-Signature=${c === 'a' ? 'b' : 'a'}`,
    );
    const bad = await emu.fetch(altered);
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const bare = await emu.fetch(file!.file.url.split('?')[0]!);
    expect(bare.status).toBe(403);
  });

  it('does not count downloads as API calls nor rate-limit them', async () => {
    const [file] = await filesOf(notion, pageId);
    const calls = emu.control.requestLog().length;
    for (let i = 0; i < 20; i += 1) expect((await emu.fetch(file!.file.url)).status).toBe(200);
    expect(emu.control.requestLog()).toHaveLength(calls);
    expect(emu.control.downloadLog()).toHaveLength(20);
    expect(emu.control.downloadLog()[0]).toMatchObject({ uploadId, status: 200, bytes: 9 });
  });

  it('answers 404 NoSuchKey once the bytes are removed', async () => {
    const [file] = await filesOf(notion, pageId);
    expect(emu.control.removeFileBytes(uploadId)).toBe(true);
    const gone = await emu.fetch(file!.file.url);
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain('<Code>NoSuchKey</Code>');
  });

  it('drops a download midway when told to, then serves the next one whole', async () => {
    const [file] = await filesOf(notion, pageId);
    emu.control.failDownloads({ afterBytes: 3, times: 1 });
    const broken = await emu.fetch(file!.file.url);
    await expect(broken.arrayBuffer()).rejects.toThrow();
    expect(await (await emu.fetch(file!.file.url)).text()).toBe('pdf bytes');
  });

  it('keeps a file written back with a URL read earlier, and signs block media and Markdown', async () => {
    const [file] = await filesOf(notion, pageId);
    clock.advance(2 * HOUR_MS);
    await notion.pages.update({
      page_id: pageId,
      properties: { Files: { files: [{ name: 'scan.pdf', type: 'file', file: file!.file }] } },
      icon: { type: 'file_upload', file_upload: { id: uploadId } },
    });
    const [again] = await filesOf(notion, pageId);
    expect((await emu.fetch(again!.file.url)).status).toBe(200);
    const page = (await notion.pages.retrieve({ page_id: pageId })) as unknown as {
      icon: { type: string; file: { url: string } };
    };
    expect(page.icon.type).toBe('file');
    expect((await emu.fetch(page.icon.file.url)).status).toBe(200);
    await notion.blocks.children.append({
      block_id: pageId,
      children: [{ image: { type: 'file_upload', file_upload: { id: uploadId } } }],
    });
    const markdown = await notion.pages.retrieveMarkdown({ page_id: pageId });
    const url = /!\[[^\]]*\]\(([^)]+)\)/.exec(markdown.markdown)?.[1];
    expect(url).toContain('X-Amz-Signature=');
    expect((await emu.fetch(url!)).status).toBe(200);
  });
});
