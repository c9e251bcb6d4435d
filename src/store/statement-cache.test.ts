// Invariant: the statement cache hands out one prepared statement per SQL text while it is idle,
// a fresh one while it is busy (an iteration in progress), and keeps at most `size` statements.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.ts';

describe('withStatementCache', () => {
  it('reuses idle statements, never a busy one, and stays bounded', () => {
    const raw = new Database(':memory:');
    const db = withStatementCache(raw, 2);
    raw.exec('create table t (n integer); insert into t values (1), (2);');
    const first = db.prepare('select n from t');
    expect(db.prepare('select n from t')).toBe(first);
    const iterator = first.iterate();
    iterator.next();
    const whileBusy = db.prepare('select n from t');
    expect(whileBusy).not.toBe(first);
    expect(whileBusy.all()).toEqual([{ n: 1 }, { n: 2 }]);
    iterator.return?.();
    db.prepare('select 1');
    db.prepare('select 2');
    // The LRU holds two statements: the first text was evicted.
    expect(db.prepare('select n from t')).not.toBe(first);
    db.close();
    expect(raw.open).toBe(false);
  });
});
