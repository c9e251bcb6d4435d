// Invariant: only the accepted store URL forms open a store; anything else is store_invalid_url
// with a message listing the accepted forms, and a password in the URL never reaches an error.
import { describe, expect, it } from 'vitest';
import { isNotionSyncError } from '../errors.ts';
import { createStore } from './store.ts';
import { parseStoreUrl, redactUrl } from './store-url.ts';

describe('parseStoreUrl', () => {
  it('reads file paths, sqlite: URLs, :memory: and postgres URLs', () => {
    expect(parseStoreUrl()).toEqual({ dialect: 'sqlite', path: './notion-sync.db' });
    expect(parseStoreUrl('data/x.db')).toEqual({ dialect: 'sqlite', path: 'data/x.db' });
    expect(parseStoreUrl('sqlite:./x.db')).toEqual({ dialect: 'sqlite', path: './x.db' });
    expect(parseStoreUrl('sqlite:///tmp/x.db')).toEqual({ dialect: 'sqlite', path: '/tmp/x.db' });
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl(':memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl('postgres://u:p@db:5432/app')).toEqual({
      dialect: 'postgres',
      connectionString: 'postgres://u:p@db:5432/app',
    });
    expect(parseStoreUrl('postgresql://db/app').dialect).toBe('postgres');
  });

  it('rejects other forms with store_invalid_url and never echoes a password', async () => {
    for (const bad of ['', 'mysql://db/app', 'sqlite:', 'postgres://']) {
      let error: unknown;
      try {
        parseStoreUrl(bad);
      } catch (e) {
        error = e;
      }
      expect(isNotionSyncError(error) && error.code).toBe('store_invalid_url');
    }
    expect(redactUrl('postgres://user:hunter2@db/app')).toBe('postgres://user:***@db/app');
    const error = await createStore({ url: 'mysql://user:hunter2@db/app' }).catch(
      (e: unknown) => e,
    );
    expect(isNotionSyncError(error) && error.code).toBe('store_invalid_url');
    expect(JSON.stringify(error)).not.toContain('hunter2');
  });
});
