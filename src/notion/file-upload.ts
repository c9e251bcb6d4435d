// Sending a local file to Notion with the file upload API (notion-api.md §5.2): `single_part` up
// to 20 MB, `multi_part` above (10 MiB parts; Notion takes 5–20 MiB, the last smaller), never
// more than the workspace's per-file limit from `users.me`. Every request goes through the
// connection's request path (paced, counted). An upload that is interrupted is started again:
// an unattached upload expires in Notion after an hour, and attaching happens only afterwards.
import type { Readable } from 'node:stream';
import { NotionSyncError } from '../errors.ts';
import type { NotionApi } from './notion-api.ts';

export const SINGLE_PART_MAX_BYTES = 20 * 1024 * 1024;
export const PART_BYTES = 10 * 1024 * 1024;

export interface LocalFile {
  name: string;
  sizeBytes: number;
  contentType: string | null;
  /** Opens the bytes (may be called again when an upload starts over). */
  open(): Promise<Readable>;
}

/** The workspace's per-file limit (`users.me` → bot.workspace_limits); null when not given. */
export async function workspaceFileLimit(api: NotionApi): Promise<number | null> {
  const me = (await api.users.me()) as {
    bot?: { workspace_limits?: { max_file_upload_size_in_bytes?: number | null } };
  };
  return me.bot?.workspace_limits?.max_file_upload_size_in_bytes ?? null;
}

/** Reads a stream in parts of `partBytes` (the last may be smaller). */
async function* iterateParts(stream: Readable, partBytes: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    let data = Buffer.from(chunk as Uint8Array);
    while (size + data.length >= partBytes) {
      const take = partBytes - size;
      yield Buffer.concat([...pending, data.subarray(0, take)]);
      data = data.subarray(take);
      pending = [];
      size = 0;
    }
    if (data.length > 0) {
      pending.push(data);
      size += data.length;
    }
  }
  if (size > 0 || pending.length > 0) yield Buffer.concat(pending);
}

const blobOf = (bytes: Buffer, type: string | null) =>
  new Blob([new Uint8Array(bytes)], type ? { type } : {});

/**
 * Uploads `file` and returns the file upload id to attach (`{type:'file_upload', …}`). Errors:
 * `file_too_large` (over the workspace's limit), `notion_*` from the API.
 */
export async function uploadLocalFile(
  api: NotionApi,
  file: LocalFile,
  limitBytes: number | null,
): Promise<string> {
  if (limitBytes !== null && file.sizeBytes > limitBytes) {
    throw new NotionSyncError(
      'file_too_large',
      `${file.name} is ${file.sizeBytes} bytes; this workspace accepts files up to ${limitBytes} bytes (users.me workspace_limits). Upload a smaller file.`,
      { details: { name: file.name, sizeBytes: file.sizeBytes, limitBytes } },
    );
  }
  const contentType = file.contentType ?? undefined;
  if (file.sizeBytes <= SINGLE_PART_MAX_BYTES) {
    const upload = await api.fileUploads.create({
      mode: 'single_part',
      filename: file.name,
      ...(contentType ? { content_type: contentType } : {}),
    });
    const chunks: Buffer[] = [];
    for await (const chunk of await file.open()) chunks.push(Buffer.from(chunk as Uint8Array));
    const bytes = Buffer.concat(chunks);
    await api.fileUploads.send({
      file_upload_id: upload.id,
      file: { filename: file.name, data: blobOf(bytes, file.contentType) },
    });
    return upload.id;
  }
  const parts = Math.ceil(file.sizeBytes / PART_BYTES);
  const upload = await api.fileUploads.create({
    mode: 'multi_part',
    filename: file.name,
    number_of_parts: parts,
    ...(contentType ? { content_type: contentType } : {}),
  });
  let n = 0;
  for await (const part of iterateParts(await file.open(), PART_BYTES)) {
    n += 1;
    await api.fileUploads.send({
      file_upload_id: upload.id,
      file: { filename: file.name, data: blobOf(part, file.contentType) },
      part_number: String(n),
    });
  }
  await api.fileUploads.complete({ file_upload_id: upload.id });
  return upload.id;
}
