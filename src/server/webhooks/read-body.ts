// Reads a request body up to a size limit without buffering more than the limit: a declared
// Content-Length over it is refused before reading, a stream that grows past it is cut off.
import { NotionSyncError } from '../../errors.ts';

function tooLarge(maxBodyBytes: number): NotionSyncError {
  return new NotionSyncError(
    'webhook_body_too_large',
    `The request body is larger than ${maxBodyBytes} bytes (server.maxBodyBytes).`,
    { details: { maxBodyBytes } },
  );
}

/** The raw body bytes; throws `webhook_body_too_large` past `maxBodyBytes`. */
export async function readLimitedBody(request: Request, maxBodyBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBodyBytes) throw tooLarge(maxBodyBytes);
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBodyBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
