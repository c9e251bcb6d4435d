import type { APIResponseError, Client } from '@notionhq/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, createManualClock, type Emulator } from './index.ts';
import { createDataSource, rejectionOf } from './test-support.ts';

describe('file uploads', () => {
  let emu: Emulator;
  let notion: Client;

  beforeEach(async () => {
    emu = await createEmulator();
    notion = emu.client();
  });

  it('uploads a single part, attaches it to a files property and a block, and serves the bytes', async () => {
    const created = await notion.fileUploads.create({ mode: 'single_part', filename: 'notes.txt' });
    expect(created).toMatchObject({
      status: 'pending',
      content_type: 'text/plain',
      content_length: null,
    });
    const pending = await rejectionOf(
      notion.blocks.children.append({
        block_id: emu.rootPageId,
        children: [{ file: { type: 'file_upload', file_upload: { id: created.id } } }],
      }),
    );
    expect((pending as APIResponseError).code).toBe('validation_error');
    const sent = await notion.fileUploads.send({
      file_upload_id: created.id,
      file: { filename: 'notes.txt', data: 'hello file' },
    });
    expect(sent).toMatchObject({ status: 'uploaded', content_length: 10 });
    const dsId = await createDataSource(notion, emu.rootPageId, {
      Name: { title: {} },
      Files: { files: {} },
    });
    const page = await notion.pages.create({
      parent: { data_source_id: dsId },
      properties: { Files: { files: [{ type: 'file_upload', file_upload: { id: created.id } }] } },
    });
    const files = (
      page as unknown as {
        properties: {
          Files: {
            files: { name: string; type: string; file: { url: string; expiry_time: string } }[];
          };
        };
      }
    ).properties.Files.files;
    expect(files[0]).toMatchObject({ name: 'notes.txt', type: 'file' });
    const download = await emu.fetch(files[0]!.file.url);
    expect(await download.text()).toBe('hello file');
    const block = await notion.blocks.children.append({
      block_id: emu.rootPageId,
      children: [{ image: { type: 'file_upload', file_upload: { id: created.id } } }],
    });
    expect(block.results[0]).toMatchObject({
      type: 'image',
      image: { type: 'file', file: { url: expect.stringContaining(created.id) } },
    });
  });

  it('joins multi-part uploads on complete and lists uploads by status', async () => {
    // Parts are 5–20 MiB (the last may be smaller); a paid workspace allows the total.
    emu = await createEmulator({ fileUploadLimitBytes: 50 * 1024 * 1024 });
    notion = emu.client();
    const first = 'x'.repeat(5 * 1024 * 1024);
    const upload = await notion.fileUploads.create({
      mode: 'multi_part',
      filename: 'big.bin',
      number_of_parts: 2,
    });
    await notion.fileUploads.send({
      file_upload_id: upload.id,
      file: { data: 'ab' },
      part_number: '2',
    });
    const early = await rejectionOf(notion.fileUploads.complete({ file_upload_id: upload.id }));
    expect((early as APIResponseError).code).toBe('validation_error');
    const small = await rejectionOf(
      notion.fileUploads.send({
        file_upload_id: upload.id,
        file: { data: 'xy' },
        part_number: '1',
      }),
    );
    expect((small as APIResponseError).code).toBe('validation_error');
    await notion.fileUploads.send({
      file_upload_id: upload.id,
      file: { data: first },
      part_number: '1',
    });
    await expect(notion.fileUploads.complete({ file_upload_id: upload.id })).resolves.toMatchObject(
      {
        status: 'uploaded',
        content_length: first.length + 2,
      },
    );
    await notion.fileUploads.create({ mode: 'single_part', filename: 'later.txt' });
    const pending = await notion.fileUploads.list({ status: 'pending' });
    expect(pending.results.map((u) => u.filename)).toEqual(['later.txt']);
    const control = emu.control.downloadFile(upload.id);
    expect(control?.bytes.toString()).toBe(`${first}ab`);
  });

  it('reads multipart bodies with bare LF line breaks and accepts upload ids as list cursors', async () => {
    const upload = await notion.fileUploads.create({ mode: 'single_part', filename: 'lf.txt' });
    const body =
      '--b0\nContent-Disposition: form-data; name="file"; filename="lf.txt"\nContent-Type: text/plain\n\nline one\n--b0--\n';
    const response = await emu.fetch(`${emu.baseUrl}/v1/file_uploads/${upload.id}/send`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${emu.token}`,
        'notion-version': '2026-03-11',
        'content-type': 'multipart/form-data; boundary=b0',
      },
      body,
    });
    expect(await response.json()).toMatchObject({ status: 'uploaded', content_length: 8 });
    const second = await notion.fileUploads.create({ mode: 'single_part', filename: 'second.txt' });
    const page = await notion.fileUploads.list({ start_cursor: upload.id });
    expect(page.results.map((u) => u.id)).toEqual([upload.id]);
    expect(second.id).not.toBe(upload.id);
  });

  it('lists uploads made at the same instant newest first, so cursors page deterministically', async () => {
    const frozen = await createEmulator({ clock: createManualClock() });
    const client = frozen.client();
    const first = await client.fileUploads.create({ mode: 'single_part', filename: 'a.txt' });
    const second = await client.fileUploads.create({ mode: 'single_part', filename: 'b.txt' });
    const all = await client.fileUploads.list({});
    expect(all.results.map((u) => u.id)).toEqual([second.id, first.id]);
    const rest = await client.fileUploads.list({ start_cursor: first.id });
    expect(rest.results.map((u) => u.id)).toEqual([first.id]);
  });
});
