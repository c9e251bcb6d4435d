// Invariant: readAhead yields the source's items in order, requests item n+1 before item n is
// handled, surfaces a source failure where it is awaited, and reads at most one item ahead.
import { describe, expect, it } from 'vitest';
import { readAhead } from './read-ahead.ts';

describe('readAhead', () => {
  it('keeps order and requests the next item while the current one is handled', async () => {
    const events: string[] = [];
    async function* source() {
      for (const n of [1, 2, 3]) {
        events.push(`produce ${n}`);
        yield n;
      }
    }
    const seen: number[] = [];
    for await (const n of readAhead(source())) {
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`handle ${n}`);
      seen.push(n);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(events).toEqual([
      'produce 1',
      'produce 2',
      'handle 1',
      'produce 3',
      'handle 2',
      'handle 3',
    ]);
  });

  it('surfaces a failure of the source after the items before it', async () => {
    async function* source() {
      yield 1;
      throw new Error('boom');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const n of readAhead(source())) seen.push(n);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([1]);
  });
});
