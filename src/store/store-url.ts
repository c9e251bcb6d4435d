// Parses the `store` option into a dialect and its location. Pure; no I/O.
import { NotionSyncError } from '../errors.ts';
import { redactUrlCredentials } from '../shared/index.ts';

export const DEFAULT_STORE_URL = './notion-sync.db';

export type StoreLocation =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgres'; connectionString: string };

const ACCEPTED =
  'use a SQLite file path (./notion-sync.db), a sqlite: URL (sqlite:./notion-sync.db, sqlite::memory:) ' +
  'or a PostgreSQL URL (postgres://user@host:5432/db)';

/**
 * Reads a store URL: a plain file path, `sqlite:<path>`, `sqlite://<path>`, `:memory:`, or
 * `postgres://` / `postgresql://`. Throws `store_invalid_url` for anything else.
 */
export function parseStoreUrl(url: string = DEFAULT_STORE_URL): StoreLocation {
  const text = url.trim();
  if (text === '') throw invalid(url, 'it is empty');
  if (/^postgres(ql)?:\/\//i.test(text)) {
    try {
      const parsed = new URL(text);
      if (!parsed.hostname && !parsed.searchParams.get('host')) throw new Error('no host');
    } catch {
      throw invalid(url, 'it is not a valid PostgreSQL URL');
    }
    return { dialect: 'postgres', connectionString: text };
  }
  if (/^sqlite:/i.test(text)) {
    const path = text.replace(/^sqlite:(\/\/)?/i, '');
    if (path === '') throw invalid(url, 'the sqlite: URL names no file');
    return { dialect: 'sqlite', path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw invalid(url, `the scheme ${text.split(':')[0]}: is not supported`);
  }
  return { dialect: 'sqlite', path: text };
}

function invalid(url: string, why: string): NotionSyncError {
  return new NotionSyncError('store_invalid_url', `Store URL is not usable: ${why}; ${ACCEPTED}.`, {
    details: { url: redactUrl(url) },
  });
}

/** The URL with any password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return redactUrlCredentials(url);
}
