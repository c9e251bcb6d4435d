import { describe, expect, it } from 'vitest';
import { parseNotionId } from './notion-id.ts';

const ID = '0123456789abcdef0123456789abcdef';
const DASHED = '01234567-89ab-cdef-0123-456789abcdef';

describe('parseNotionId', () => {
  it.each([
    [ID, DASHED],
    [DASHED.toUpperCase(), DASHED],
    [`https://www.notion.so/acme/Tasks-${ID}?v=ffffffffffffffffffffffffffffffff`, DASHED],
    [`https://app.notion.com/p/${ID}`, DASHED],
    [`https://acme.notion.site/Page-Title-${DASHED}`, DASHED],
  ])('reads %s', (input, expected) => {
    expect(parseNotionId(input)).toBe(expected);
  });

  it.each([
    '',
    'tasks',
    '0123',
    'ftp://x/0123456789abcdef0123456789abcdef',
    'https://notion.so/Tasks',
  ])('rejects %j', (input) => {
    expect(parseNotionId(input)).toBeUndefined();
  });
});
