// Invariant: PageIdSet answers exactly like a Set<string> of the same ids (canonical UUIDs kept
// as bytes, anything else as strings), through growth.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PageIdSet } from './page-id-set.ts';

describe('PageIdSet', () => {
  it('answers like a Set<string> for 20,000 ids and ids that are not canonical', () => {
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    const set = new PageIdSet();
    const reference = new Set<string>();
    for (const id of ids.slice(0, 10_000)) {
      set.add(id);
      reference.add(id);
    }
    for (const odd of [
      '',
      'not-an-id',
      ids[10_000]!.toUpperCase(),
      ids[10_001]!.replaceAll('-', ''),
    ]) {
      set.add(odd);
      reference.add(odd);
    }
    set.add(ids[0]!);
    expect(set.size).toBe(reference.size);
    for (const id of ids) expect(set.has(id)).toBe(reference.has(id));
    for (const id of [ids[10_000]!, ids[10_001]!, ids[10_000]!.toUpperCase(), 'not-an-id'])
      expect(set.has(id)).toBe(reference.has(id));
  });

  it('tells apart ids that differ in a single digit anywhere', () => {
    const base = '0f0e0d0c-0b0a-4909-8807-060504030201';
    const set = new PageIdSet().add(base);
    for (let i = 0; i < base.length; i++) {
      if (base[i] === '-') continue;
      const changed = `${base.slice(0, i)}${base[i] === 'a' ? 'b' : 'a'}${base.slice(i + 1)}`;
      expect(set.has(changed)).toBe(false);
    }
    expect(set.has(base)).toBe(true);
  });
});
