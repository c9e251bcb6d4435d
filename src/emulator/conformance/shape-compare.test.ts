import { describe, expect, it } from 'vitest';
import { loadCassettes } from './conformance-cassettes.ts';
import { compareShapes } from './shape-compare.ts';

describe('compareShapes', () => {
  it('finds no difference between every recorded response and itself', () => {
    const bodies = loadCassettes().flatMap((c) => c.interactions.map((i) => i.responseBody));
    expect(bodies.length).toBeGreaterThan(300);
    for (const body of bodies) expect(compareShapes(body, structuredClone(body))).toEqual([]);
  });

  it('ignores values but reports missing keys, extra keys and type changes with their paths', () => {
    const expected = {
      id: 'a',
      parent: { type: 'page_id', page_id: 'x' },
      icon: null,
      list: [{ n: 1 }],
    };
    const actual = {
      id: 'b',
      parent: { type: 'page_id' },
      icon: { emoji: '🎯' },
      list: [{ n: '1' }],
      extra: true,
    };
    expect(compareShapes(expected, actual)).toEqual([
      { path: '$.parent.page_id', expected: 'string', got: 'absent' },
      { path: '$.icon', expected: 'null', got: 'object' },
      { path: '$.list[0].n', expected: 'number', got: 'string' },
      { path: '$.extra', expected: 'absent', got: 'boolean' },
    ]);
  });

  it('compares arrays element-wise when lengths match, else by their first elements', () => {
    expect(compareShapes([{ a: 1 }, { b: 1 }], [{ a: 2 }, { c: 1 }])).toEqual([
      { path: '$[1].b', expected: 'number', got: 'absent' },
      { path: '$[1].c', expected: 'absent', got: 'number' },
    ]);
    expect(compareShapes([{ a: 1 }, { b: 1 }], [{ a: 2 }])).toEqual([]);
    expect(compareShapes([{ a: 1 }], [{ z: 2 }, { a: 1 }])).toHaveLength(2);
    expect(compareShapes([], [{ a: 1 }])).toEqual([]);
  });

  it('quotes keys that are not identifiers', () => {
    expect(compareShapes({ properties: { 'Due date': 1 } }, { properties: {} })).toEqual([
      { path: '$.properties["Due date"]', expected: 'number', got: 'absent' },
    ]);
  });
});
