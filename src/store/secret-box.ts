// Secrets at rest: AES-256-GCM with a 32-byte key (base64 or hex), a fresh 12-byte IV per value,
// and the row as additional authenticated data (table + row id + column), so a ciphertext copied
// to another row or column fails to decrypt. Each value records the id of its key (first 16 hex
// of the key's SHA-256) so a rotated key can still read older values.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { NotionSyncError } from '../errors.ts';

const FORMAT = 'v1';
const KEY_BYTES = 32;

export interface SecretBox {
  /** Id of the key new values are encrypted with. */
  readonly keyId: string;
  encrypt(plaintext: string, aad: string): string;
  decrypt(ciphertext: string, aad: string): string;
}

/** Decodes a 32-byte key written as base64 (44 chars) or hex (64 chars). */
export function parseSecretKey(text: string): Buffer {
  const value = text.trim();
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]{42,43}={0,2}$/.test(value)) key = Buffer.from(value, 'base64');
  if (!key || key.length !== KEY_BYTES) {
    throw new NotionSyncError(
      'secret_key_invalid',
      'NOTION_SYNC_SECRET_KEY is not a 32-byte key: give 32 random bytes as base64 or hex, e.g. ' +
        '`openssl rand -base64 32`.',
    );
  }
  return key;
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * A box that encrypts with `secretKey` and decrypts with it or any of `previousKeys` (rotation).
 * Throws `secret_key_invalid` for a malformed key.
 */
export function createSecretBox(secretKey: string, previousKeys: string[] = []): SecretBox {
  const key = parseSecretKey(secretKey);
  const keyId = keyIdOf(key);
  const keys = new Map<string, Buffer>([[keyId, key]]);
  for (const old of previousKeys) {
    const parsed = parseSecretKey(old);
    keys.set(keyIdOf(parsed), parsed);
  }
  return {
    keyId,
    encrypt(plaintext, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        FORMAT,
        keyId,
        iv.toString('base64'),
        tag.toString('base64'),
        body.toString('base64'),
      ].join(':');
    },
    decrypt(ciphertext, aad) {
      const [format, id, iv, tag, body] = ciphertext.split(':');
      const usable =
        format === FORMAT && id && iv && tag && body !== undefined ? keys.get(id) : undefined;
      if (!usable || !iv || !tag || body === undefined) {
        throw decryptFailed(
          id,
          !usable && id
            ? 'it was encrypted with a key this process does not have'
            : 'it is malformed',
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', usable, Buffer.from(iv, 'base64'));
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        return Buffer.concat([
          decipher.update(Buffer.from(body, 'base64')),
          decipher.final(),
        ]).toString('utf8');
      } catch (cause) {
        throw decryptFailed(id, 'it does not authenticate for this row', cause);
      }
    },
  };
}

function decryptFailed(keyId: string | undefined, why: string, cause?: unknown): NotionSyncError {
  return new NotionSyncError(
    'secret_decrypt_failed',
    `A stored token cannot be decrypted: ${why}. Set NOTION_SYNC_SECRET_KEY to the key it was stored with ` +
      '(or reconnect the integration to store a new token).',
    { details: { keyId: keyId ?? null }, cause },
  );
}
