import { validationError } from './errors.ts';
import { STORED_FILE_PREFIX, storedFileUrl, toStoredFileUrl } from './file-host.ts';
import { normalizeId } from './ids.ts';
import type { FileUploadRecord, JsonObject, JsonValue } from './state.ts';
import type { Workspace } from './workspace.ts';

/** A free workspace's per-file limit (`users.me` → `workspace_limits.max_file_upload_size_in_bytes`). */
export const DEFAULT_FILE_UPLOAD_LIMIT_BYTES = 5_242_880;
/** Single-part uploads stop at 20 MB whatever the plan (notion-api.md §5.2). */
export const MAX_SINGLE_PART_BYTES = 20 * 1024 * 1024;
/** Parts of a multi-part upload: 5–20 MiB, the last may be smaller. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
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
 * A file object for an uploaded file, as state keeps Notion-hosted files; rendering signs it
 * (a URL served under `/__emulator/files/` that expires an hour after the read).
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
  if (upload.externalUrl) return { url: upload.externalUrl, expiry_time: null };
  // Signed when rendered (file-host.ts): each read gets a fresh URL valid for an hour.
  return { url: storedFileUrl(upload.id, upload.filename), expiry_time: null };
}

export function fileBytes(upload: FileUploadRecord): Buffer {
  return Buffer.from(upload.contentBase64 ?? '', 'base64');
}

/**
 * An icon, cover or media value of a request as state keeps it: `file_upload` becomes a hosted
 * file, a hosted URL read earlier (signed, maybe expired) names its stored file again.
 */
export function parseFileInput(ws: Workspace, value: unknown, path: string): JsonValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return value as JsonValue;
  const input = value as JsonObject;
  const upload = input.file_upload as JsonObject | undefined;
  if (typeof upload === 'object' && upload !== null) {
    const { file_upload: _, ...rest } = input;
    return { ...rest, type: 'file', file: hostedFile(ws, upload.id, `${path}.file_upload.id`) };
  }
  for (const key of ['file', 'external'] as const) {
    const inner = input[key] as JsonObject | undefined;
    const stored = typeof inner?.url === 'string' ? toStoredFileUrl(inner.url) : undefined;
    if (stored?.startsWith(STORED_FILE_PREFIX)) {
      const { [key]: _, ...rest } = input;
      return { ...rest, type: 'file', file: { url: stored, expiry_time: null } };
    }
  }
  return input;
}
