// `diff -u` of two texts: hunks with line numbers and context, nothing for equal texts.
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.ts';

describe('unifiedDiff', () => {
  it('shows each changed region with two lines of context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n');
    const after = before.replace('b', 'B').replace('h', 'H');
    expect(unifiedDiff(before, after, { before: 'base', after: 'local' })).toBe(
      [
        '--- base',
        '+++ local',
        '@@ -1,4 +1,4 @@',
        ' a',
        '-b',
        '+B',
        ' c',
        ' d',
        '@@ -6,3 +6,3 @@',
        ' f',
        ' g',
        '-h',
        '+H',
      ].join('\n'),
    );
  });

  it('is empty for equal texts', () => {
    expect(unifiedDiff('x', 'x', { before: 'a', after: 'b' })).toBe('');
  });
});
