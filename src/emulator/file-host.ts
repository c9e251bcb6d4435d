// Notion-hosted files as Notion's storage serves them. Notion answers every read of a page or
// block with a freshly signed URL (S3 presigned, valid an hour: `expiry_time`); the bytes are
// fetched from storage, not from the API, so downloads are no API calls (no rate limit, no
// request log entry) — they have their own log. An expired or tampered URL gets S3's 403 XML
// body; bytes removed from storage get 404 NoSuchKey.
//
// State keeps a hosted file as `emulator-file://<upload id>/<name>` (no host, no signature), so
// a URL signed for a read names the current base URL and the current time.
import { createHmac, randomUUID } from 'node:crypto';
import { FILE_URL_TTL_MS } from './file-uploads.ts';
import type { JsonObject, JsonValue } from './state.ts';
import type { Workspace } from './workspace.ts';

export const STORED_FILE_PREFIX = 'emulator-file://';
const FILES_PATH = '/__emulator/files/';
const STORED_PATTERN = /emulator-file:\/\/([0-9a-f-]{32,36})\/([^\s)"'<>?]*)/g;

/** One download from the file host (not an API request). */
export interface FileDownloadEntry {
  /** ISO time on the emulator's clock. */
  time: string;
  uploadId: string;
  status: number;
  /** Bytes sent (0 for an error; fewer than the file for an injected failure). */
  bytes: number;
  /** S3 error code for a refused download (`AccessDenied`, `SignatureDoesNotMatch`, `NoSuchKey`). */
  error: string | null;
}

/** An injected storage failure: the next `times` downloads (of `uploadId`, or any) stop after `afterBytes` bytes. */
export interface DownloadFault {
  afterBytes: number;
  times: number;
  uploadId?: string;
  /** Keep the connection open after `afterBytes` instead of dropping it (a download that hangs). */
  stall?: boolean;
}

export function storedFileUrl(uploadId: string, filename: string | null): string {
  return `${STORED_FILE_PREFIX}${uploadId}/${encodeURIComponent(filename ?? 'file')}`;
}

export function isStoredFile(url: string): boolean {
  return url.startsWith(STORED_FILE_PREFIX);
}

/** A URL a client sends back (signed, read earlier) in the form state keeps; others unchanged. */
export function toStoredFileUrl(url: string): string {
  const at = url.indexOf(FILES_PATH);
  if (at === -1) return url;
  const [id, name] = url
    .slice(at + FILES_PATH.length)
    .split('?')[0]!
    .split('/');
  return id && name ? `${STORED_FILE_PREFIX}${id}/${name}` : url;
}

function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function signature(ws: Workspace, key: string, date: string): string {
  return createHmac('sha256', ws.state.workspaceId).update(`${key}\n${date}`).digest('hex');
}

/** The signed URL of a stored file reference, valid for an hour from now. */
export function signStoredUrl(ws: Workspace, stored: string): { url: string; expiresMs: number } {
  const key = stored.slice(STORED_FILE_PREFIX.length);
  const now = ws.now();
  const date = amzDate(now);
  const query = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `EMULATOR/${date.slice(0, 8)}/us-west-2/s3/aws4_request`,
    'X-Amz-Date': date,
    'X-Amz-Expires': String(FILE_URL_TTL_MS / 1000),
    'X-Amz-Signature': signature(ws, key, date),
    'X-Amz-SignedHeaders': 'host',
    'x-id': 'GetObject',
  });
  return { url: `${ws.baseUrl}${FILES_PATH}${key}?${query}`, expiresMs: now + FILE_URL_TTL_MS };
}

/**
 * A copy of `value` (page properties, icon, cover, block content) whose stored file references
 * are signed URLs, each file object with its `expiry_time`.
 */
export function signHostedFiles<T extends JsonValue | undefined>(ws: Workspace, value: T): T {
  if (Array.isArray(value)) return value.map((item) => signHostedFiles(ws, item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) out[key] = signHostedFiles(ws, inner);
  if (typeof out.url === 'string' && out.url.startsWith(STORED_FILE_PREFIX)) {
    const signed = signStoredUrl(ws, out.url);
    out.url = signed.url;
    out.expiry_time = new Date(signed.expiresMs).toISOString();
  }
  return out as T;
}

/** Markdown whose stored file references are signed URLs. */
export function signMarkdownFiles(ws: Workspace, markdown: string): string {
  if (!markdown.includes(STORED_FILE_PREFIX)) return markdown;
  return markdown.replace(STORED_PATTERN, (stored) => signStoredUrl(ws, stored).url);
}

interface Refusal {
  response: Response;
  code: string;
}

function s3Error(status: number, code: string, message: string, extra = ''): Refusal {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message>${extra}` +
    `<RequestId>${randomUUID().slice(0, 16).toUpperCase()}</RequestId><HostId>emulator</HostId></Error>`;
  const response = new Response(body, { status, headers: { 'content-type': 'application/xml' } });
  return { response, code };
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses `X-Amz-Date` (yyyymmddThhmmssZ) to epoch ms; NaN when malformed. */
function parseAmzDate(date: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
}

export interface FileHost {
  /** Answers `GET /__emulator/files/<id>/<name>?<signature>`. */
  serve(uploadId: string, name: string, query: URLSearchParams): Response;
  log: FileDownloadEntry[];
  faults: DownloadFault[];
}

function refusal(
  ws: Workspace,
  uploadId: string,
  name: string,
  query: URLSearchParams,
): Refusal | undefined {
  const date = query.get('X-Amz-Date') ?? '';
  const sent = query.get('X-Amz-Signature');
  const key = `${uploadId}/${encodeURIComponent(decodeURIComponent(name))}`;
  if (!sent) return s3Error(403, 'AccessDenied', 'Access Denied');
  if (sent !== signature(ws, key, date))
    return s3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  const expires = parseAmzDate(date) + Number(query.get('X-Amz-Expires') ?? 0) * 1000;
  if (ws.now() > expires) {
    return s3Error(
      403,
      'AccessDenied',
      'Request has expired',
      `<X-Amz-Expires>${query.get('X-Amz-Expires')}</X-Amz-Expires><Expires>${isoSeconds(expires)}</Expires><ServerTime>${isoSeconds(ws.now())}</ServerTime>`,
    );
  }
  const upload = ws.state.fileUploads[uploadId];
  if (upload?.status !== 'uploaded' || upload.contentBase64 === null)
    return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', `<Key>${key}</Key>`);
  return undefined;
}

/**
 * A body that sends `afterBytes` bytes and then fails, as a dropped storage connection does (or,
 * with `stall`, never sends more).
 */
function failingBody(bytes: Buffer, fault: DownloadFault): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array(bytes.subarray(0, fault.afterBytes)));
      if (!fault.stall)
        controller.error(new TypeError('terminated', { cause: new Error('other side closed') }));
    },
  });
}

export function createFileHost(ws: Workspace): FileHost {
  const host: FileHost = {
    log: [],
    faults: [],
    serve(uploadId, name, query) {
      const entry: FileDownloadEntry = {
        time: new Date(ws.now()).toISOString(),
        uploadId,
        status: 0,
        bytes: 0,
        error: null,
      };
      host.log.push(entry);
      const refused = refusal(ws, uploadId, name, query);
      if (refused) {
        entry.status = refused.response.status;
        entry.error = refused.code;
        return refused.response;
      }
      const upload = ws.state.fileUploads[uploadId]!;
      const bytes = Buffer.from(upload.contentBase64!, 'base64');
      entry.status = 200;
      const headers = {
        'content-type': upload.contentType ?? 'application/octet-stream',
        'content-length': String(bytes.length),
      };
      const fault = host.faults.find((f) => f.uploadId === undefined || f.uploadId === uploadId);
      if (fault) {
        fault.times -= 1;
        if (fault.times <= 0) host.faults.splice(host.faults.indexOf(fault), 1);
        entry.bytes = Math.min(fault.afterBytes, bytes.length);
        return new Response(failingBody(bytes, fault), { headers });
      }
      entry.bytes = bytes.length;
      return new Response(new Uint8Array(bytes), { headers });
    },
  };
  return host;
}
