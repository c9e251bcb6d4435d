// Invariant: a SQLite store runs in WAL mode with synchronous=FULL (a commit survives power
// loss), enforces foreign keys and waits on a busy database instead of failing at once.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storeFactories } from './test-support/store-factories.ts';

const fileFactory = storeFactories().find((f) => f.name === 'sqlite-file')!;

describe('SQLite dialect', () => {
  it('opens the file with WAL, synchronous=FULL, foreign keys and a busy timeout', async () => {
    const { store } = await fileFactory.create();
    const pragma = async (name: string) =>
      Object.values(
        (await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(store.db))
          .rows[0] ?? {},
      )[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2);
    expect(await pragma('foreign_keys')).toBe(1);
    expect(Number(await pragma('busy_timeout'))).toBeGreaterThanOrEqual(5_000);
  });

  it('rejects rows that point at nothing', async () => {
    const { store } = await fileFactory.create();
    const error = await store.records
      .commitPullBatch({
        sourceId: 12345,
        rows: [{ pageId: 'p', fields: {}, hash: 'h', notionLastEditedTime: 't', createdTime: 't' }],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  });
});
