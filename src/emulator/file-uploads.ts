import { validationError } from './errors.ts';
import { normalizeId } from './ids.ts';
import type { FileUploadRecord, JsonObject } from './state.ts';
import type { Workspace } from './workspace.ts';

/** Matches `users.me` → `workspace_limits.max_file_upload_size_in_bytes`. */
export const MAX_SINGLE_PART_BYTES = 5_242_880;
export const MAX_FILENAME_BYTES = 900;
/** Notion-hosted file URLs and pending uploads expire after an hour. */
export const FILE_URL_TTL_MS = 3_600_000;

const CONTENT_TYPES: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  zip: 'application/zip',
};

export function contentTypeFor(filename: string | null): string | null {
  const extension = filename?.split('.').pop()?.toLowerCase();
  return extension ? (CONTENT_TYPES[extension] ?? 'application/octet-stream') : null;
}

/** A pending upload older than an hour has expired. */
export function refreshStatus(ws: Workspace, upload: FileUploadRecord): FileUploadRecord {
  if (upload.status === 'pending' && ws.now() - upload.createdTime > FILE_URL_TTL_MS)
    upload.status = 'expired';
  if (upload.status === 'pending' && upload.mode === 'external_url') upload.status = 'uploaded';
  return upload;
}

/**
 * A file object for an uploaded file, as pages and blocks show Notion-hosted files: a signed
 * URL (served by the emulator under `/__emulator/files/`) that expires an hour from now.
 */
export function hostedFile(ws: Workspace, uploadId: unknown, path: string): JsonObject {
  const id = normalizeId(uploadId);
  const upload = id ? ws.state.fileUploads[id] : undefined;
  if (!upload)
    throw validationError(`${path}: could not find file upload with ID: ${String(uploadId)}.`);
  if (refreshStatus(ws, upload).status !== 'uploaded') {
    throw validationError(
      `${path}: file upload ${upload.id} is ${upload.status}; only uploaded files can be attached.`,
    );
  }
  const expires = ws.now() + FILE_URL_TTL_MS;
  const name = encodeURIComponent(upload.filename ?? 'file');
  const url =
    upload.externalUrl ?? `${ws.baseUrl}/__emulator/files/${upload.id}/${name}?expires=${expires}`;
  return { url, expiry_time: new Date(expires).toISOString() };
}

export function fileBytes(upload: FileUploadRecord): Buffer {
  return Buffer.from(upload.contentBase64 ?? '', 'base64');
}
