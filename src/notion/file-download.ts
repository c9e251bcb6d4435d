// Downloading a file a page refers to. Downloads go to the file's storage URL, not to the Notion
// API: they use the connection's fetch but not its request path (no pacing, no API call
// counted, no Notion-Version or token sent — a signed URL carries its own authorization).
import { NotionSyncError } from '../errors.ts';

type Fetch = typeof fetch;

export interface FileDownload {
  body: AsyncIterable<Uint8Array>;
  contentType: string | null;
  /** `content-length` when the server sent one. */
  sizeBytes: number | null;
}

export interface OpenFileOptions {
  timeoutMs?: number;
}

/** Removes the signature from a URL before it goes into an error (a signed URL is a credential). */
function redact(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : `${url.slice(0, at)}?…`;
}

async function* iterateBody(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function failure(status: number, text: string, url: string): NotionSyncError {
  const shown = redact(url);
  if (status === 403) {
    // S3 answers an expired presigned URL with AccessDenied "Request has expired".
    return new NotionSyncError(
      'file_expired',
      `The link to ${shown} has expired (403); re-read the page for a fresh link.`,
      { details: { status, expired: /expired/i.test(text) } },
    );
  }
  if (status === 404 || status === 410) {
    return new NotionSyncError(
      'file_gone',
      `${shown} no longer exists in Notion's storage (${status}).`,
      { details: { status } },
    );
  }
  return new NotionSyncError(
    'file_download_failed',
    `Downloading ${shown} failed with HTTP ${status}; the next pull retries it.`,
    { details: { status } },
  );
}

/**
 * Opens a file URL for reading. Errors: `file_expired` (403: the signed link expired),
 * `file_gone` (404/410), `file_download_failed` (anything else, network errors included).
 */
export async function openFileDownload(
  fetchImpl: Fetch,
  url: string,
  options: OpenFileOptions = {},
): Promise<FileDownload> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 300_000),
    });
  } catch (error) {
    throw new NotionSyncError(
      'file_download_failed',
      `Downloading ${redact(url)} failed: ${error instanceof Error ? error.message : String(error)}; the next pull retries it.`,
      { cause: error },
    );
  }
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '');
    throw failure(response.status, text, url);
  }
  const length = Number(response.headers.get('content-length'));
  return {
    body: iterateBody(response.body),
    contentType: response.headers.get('content-type'),
    sizeBytes: Number.isFinite(length) && response.headers.has('content-length') ? length : null,
  };
}
