// What pull keeps of the files pages refer to (config `files`).

export interface FilesSettings {
  /** Download files at all (default true). */
  keep: boolean;
  /** Also download external files (default false: they stay links). */
  external: boolean;
  /** Largest file kept (bytes); a larger one is a coverage gap. */
  maxBytes: number;
  /** Budget of all stored files (bytes); a file past it is a coverage gap. Null: no budget. */
  totalBytes: number | null;
  /** Downloads at once per source. */
  concurrency: number;
}

export const DEFAULT_FILES_MAX_BYTES = 100 * 1024 * 1024;

export const DEFAULT_FILES_SETTINGS: FilesSettings = {
  keep: true,
  external: false,
  maxBytes: DEFAULT_FILES_MAX_BYTES,
  totalBytes: null,
  concurrency: 4,
};
