// Where the bytes of kept files live, addressed by their SHA-256. Two media: a directory
// (default beside a SQLite file; any directory every worker shares) and the database itself
// (default for PostgreSQL, so every worker of the distributed runner sees the same files).
// Invariant of every medium: bytes become visible under a hash only complete and checked — a
// failed, oversized or interrupted write leaves nothing behind.
import type { Readable } from 'node:stream';

export interface WriteFileOptions {
  /** Refuse more bytes than this (`file_too_large`, nothing kept). */
  maxBytes?: number;
  /** The bytes must hash to this (`file_checksum_mismatch`, nothing kept). */
  expectedSha256?: string;
  /** The bytes must count this many (a short body is a failed download). */
  expectedBytes?: number | null;
}

export interface StoredFile {
  hash: string;
  sizeBytes: number;
}

export interface FileStore {
  readonly kind: 'directory' | 'database';
  /** For messages: the directory, or "the database". */
  readonly location: string;
  /**
   * Streams `body` into the store and returns its SHA-256. Errors: `file_too_large`,
   * `file_checksum_mismatch`, `file_store_full`, `file_download_failed` (the body failed).
   */
  write(body: AsyncIterable<Uint8Array>, options?: WriteFileOptions): Promise<StoredFile>;
  /** The bytes stored under `hash`; `file_not_found` when there are none. */
  open(hash: string): Promise<Readable>;
  has(hash: string): Promise<boolean>;
  remove(hash: string): Promise<void>;
  /** Every hash the medium holds (janitor compares them with what versions refer to). */
  list(): AsyncIterable<string>;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
