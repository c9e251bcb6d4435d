// Counting, limiting and hashing bytes as they stream by; shared by both file store media.
import { createHash, type Hash } from 'node:crypto';
import { NotionSyncError } from '../../errors.ts';
import type { StoredFile, WriteFileOptions } from './file-store.ts';

export interface ByteCheck {
  add(chunk: Uint8Array): void;
  /** Hash and size once the body ended; throws when the body does not match the options. */
  finish(): StoredFile;
}

export function tooLarge(maxBytes: number, seen: number): NotionSyncError {
  return new NotionSyncError(
    'file_too_large',
    `The file is larger than the limit of ${maxBytes} bytes (files.maxBytes; at least ${seen} bytes); it is recorded as a coverage gap. Raise files.maxBytes to keep it.`,
    { details: { maxBytes, sizeBytes: seen } },
  );
}

export function createByteCheck(options: WriteFileOptions = {}): ByteCheck {
  const hash: Hash = createHash('sha256');
  let size = 0;
  return {
    add(chunk) {
      size += chunk.byteLength;
      if (options.maxBytes !== undefined && size > options.maxBytes)
        throw tooLarge(options.maxBytes, size);
      hash.update(chunk);
    },
    finish() {
      const hex = hash.digest('hex');
      if (options.expectedBytes != null && options.expectedBytes !== size) {
        throw new NotionSyncError(
          'file_download_failed',
          `The download ended after ${size} of ${options.expectedBytes} bytes; the next pull retries it.`,
          { details: { sizeBytes: size, expectedBytes: options.expectedBytes } },
        );
      }
      if (options.expectedSha256 && options.expectedSha256 !== hex) {
        throw new NotionSyncError(
          'file_checksum_mismatch',
          `The file's SHA-256 is ${hex}, not the expected ${options.expectedSha256}; nothing was kept.`,
          { details: { hash: hex, expected: options.expectedSha256 } },
        );
      }
      return { hash: hex, sizeBytes: size };
    },
  };
}

/** A failure of the body itself (a dropped connection) as a retryable download failure. */
export function bodyFailure(error: unknown): unknown {
  if (error instanceof NotionSyncError) return error;
  return new NotionSyncError(
    'file_download_failed',
    `The download failed midway (${error instanceof Error ? error.message : String(error)}); nothing was kept and the next pull retries it.`,
    { cause: error },
  );
}
