// X-Notion-Signature (notion-api.md §8.2): `sha256=<lowercase hex>` of HMAC-SHA256 over the RAW
// request body bytes, keyed with the UTF-8 bytes of the verification token. Checked on the
// bytes as received — never on re-serialised JSON — and compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/;

/** The header value Notion sends for `body` under `verificationToken`. */
export function signWebhookBody(body: Uint8Array | string, verificationToken: string): string {
  const hmac = createHmac('sha256', Buffer.from(verificationToken, 'utf8'));
  hmac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return `sha256=${hmac.digest('hex')}`;
}

/** True only for a well-formed header whose digest matches `body` exactly. */
export function verifyWebhookSignature(
  body: Uint8Array,
  header: string | undefined,
  verificationToken: string,
): boolean {
  const match = header ? SIGNATURE.exec(header.trim()) : null;
  if (!match?.[1]) return false;
  const expected = Buffer.from(signWebhookBody(body, verificationToken).slice(7), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}
