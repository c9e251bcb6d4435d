import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashValue } from '../shared/index.ts';
import { hashNotionValue, normalizeNotionValue } from './notion-hash.ts';

const hosted = (signature: string, expiry: string) => ({
  id: 'f',
  type: 'files',
  files: [
    {
      name: 'a.pdf',
      type: 'file',
      file: {
        url: `https://prod-files.s3/space/file-1/a.pdf?X-Amz-Signature=${signature}`,
        expiry_time: expiry,
      },
    },
  ],
});

describe('hashNotionValue', () => {
  it('ignores the signed part and expiry of hosted file URLs, and request ids', () => {
    expect(hashNotionValue({ ...hosted('aaa', '2026-01-01T01:00:00.000Z'), request_id: '1' })).toBe(
      hashNotionValue({ ...hosted('bbb', '2026-01-01T02:00:00.000Z'), request_id: '2' }),
    );
  });

  it('still sees a different hosted file and any real change', () => {
    const other = hosted('aaa', 'x');
    (other.files[0] as { file: { url: string } }).file.url =
      'https://prod-files.s3/space/file-2/a.pdf?X-Amz-Signature=aaa';
    expect(hashNotionValue(other)).not.toBe(hashNotionValue(hosted('aaa', 'x')));
    const external = { type: 'external', external: { url: 'https://e/x?v=1' } };
    expect(hashNotionValue(external)).not.toBe(
      hashNotionValue({ type: 'external', external: { url: 'https://e/x?v=2' } }),
    );
    expect(hashNotionValue({ a: 1, b: [1, 2] })).toBe(hashNotionValue({ b: [1, 2], a: 1 }));
  });

  it('is the hash of the normalized value with sorted keys: stored hashes stay valid', () => {
    const fileValue = fc.record({
      type: fc.constantFrom('file', 'external'),
      file: fc.option(fc.record({ url: fc.webUrl(), expiry_time: fc.string() }), {
        nil: undefined,
      }),
      request_id: fc.string(),
      extra: fc.jsonValue(),
    });
    const value = fc.oneof(
      fc.jsonValue(),
      fileValue,
      fc.array(fileValue),
      fc.dictionary(fc.string(), fileValue),
    );
    fc.assert(
      fc.property(value, (v) => {
        expect(hashNotionValue(v)).toBe(hashValue(normalizeNotionValue(v)));
      }),
      { numRuns: 500 },
    );
    expect(hashNotionValue(hosted('aaa', 'x'))).toBe(
      hashValue(normalizeNotionValue(hosted('bbb', 'y'))),
    );
  });
});
