import { describe, expect, it } from 'vitest';
import { spliceSubtree } from './page-content.ts';

describe('spliceSubtree', () => {
  const id = '1f2e3d4c-0000-4000-8000-000000000001';

  it('replaces the placeholder line that names the block, keeping its indentation', () => {
    const markdown = `# Title\n\t<unknown url="https://app.notion.com/p/x#1f2e3d4c000040008000000000000001" alt="toggle"/>\nafter`;
    expect(spliceSubtree(markdown, id, 'line 1\nline 2')).toBe(
      '# Title\n\tline 1\n\tline 2\nafter',
    );
  });

  it('appends when no placeholder names the block', () => {
    expect(spliceSubtree('# Title', id, 'more')).toBe('# Title\nmore');
    expect(spliceSubtree('', id, 'more')).toBe('more');
  });
});
