// The line-based three-way merge of bodies: edits to different lines merge, the same edit on
// both sides is no conflict, different edits of the same lines are one conflict, and without a
// base any difference is one.
import { describe, expect, it } from 'vitest';
import { canonicalText, inFormOf, mergeBodies } from './body-merge.ts';

const base = 'p1\np2\np3\np4\np5\n';

describe('mergeBodies', () => {
  it('merges edits of different lines', () => {
    const merged = mergeBodies(base, base.replace('p5', 'N5'), base.replace('p1', 'L1'));
    expect(merged).toEqual({ ok: true, merged: 'L1\np2\np3\np4\nN5\n' });
  });

  it('takes the side that changed, and the same edit on both sides', () => {
    expect(mergeBodies(base, base, 'x\n')).toEqual({ ok: true, merged: 'x\n' });
    expect(mergeBodies(base, 'y\n', base)).toEqual({ ok: true, merged: 'y\n' });
    const same = base.replace('p3', 'both');
    expect(mergeBodies(base, same, same)).toEqual({ ok: true, merged: same });
  });

  it('makes different edits of the same line one conflict', () => {
    expect(mergeBodies(base, base.replace('p3', 'N'), base.replace('p3', 'L')).ok).toBe(false);
    expect(mergeBodies(null, 'a\n', 'b\n').ok).toBe(false);
    expect(mergeBodies(null, 'a\n', 'a\n')).toEqual({ ok: true, merged: 'a\n' });
  });
});

describe('mergeBodies with a normalizer', () => {
  it('compares lines by meaning and writes merged lines as Notion serves them', () => {
    const link = (sig: string) => `![](https://files.example/a.png?sig=${sig})`;
    const normalize = (line: string) => line.replace(/\?sig=\w+/, '');
    const baseText = `intro\n${link('old')}\nend\n`;
    const notion = `intro\n${link('new')}\nend\n`;
    const local = `intro, edited\n${link('old')}\nend\n`;
    expect(mergeBodies(baseText, notion, local)).toEqual({ ok: false });
    expect(mergeBodies(baseText, notion, local, normalize)).toEqual({
      ok: true,
      merged: `intro, edited\n${link('new')}\nend\n`,
    });
  });
});

describe('canonicalText / inFormOf', () => {
  it('ends a non-empty body with one newline and gives it back in Notion’s form', () => {
    expect(canonicalText('a')).toBe('a\n');
    expect(canonicalText('a\r\nb\n')).toBe('a\nb\n');
    expect(canonicalText('')).toBe('');
    expect(inFormOf('served', 'x\n')).toBe('x');
    expect(inFormOf('served\n', 'x\n')).toBe('x\n');
  });
});
