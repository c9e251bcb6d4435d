// The file form of a folder target: what renderDocument writes, parseDocument reads back to the
// same values and body (canonical form), and a broken file is reported with its path and line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotionSyncError } from '../../errors.ts';
import type { JsonValue } from '../../store/index.ts';
import { canonicalBody, parseDocument, renderDocument } from './document.ts';

const value: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 4 }),
  fc.record({ start: fc.string(), end: fc.option(fc.string()), time_zone: fc.constant(null) }),
);

describe('renderDocument / parseDocument', () => {
  it('reads back every value and body it wrote, and renders them again byte for byte', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1 }), value, { maxKeys: 6 }),
        fc.string(),
        (data, body) => {
          const text = renderDocument({ data, body });
          const doc = parseDocument(text, 'a.md');
          expect(doc?.data).toEqual(data);
          expect(doc?.body).toBe(canonicalBody(body.replace(/\r\n/g, '\n')));
          if (!body.includes('\r')) expect(renderDocument(doc!)).toBe(text);
        },
      ),
      { seed: 14, numRuns: 300 },
    );
  });

  it('leaves files without frontmatter to the user', () => {
    expect(parseDocument('# Notes\n\n---\n', 'notes.md')).toBeNull();
  });

  it('reports broken YAML with the path and the line', () => {
    const text = '---\nnotion_id: abc\nDone: [unclosed\nName: x\n---\n\nbody\n';
    const error = (() => {
      try {
        parseDocument(text, 'tasks/a.md');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(NotionSyncError);
    expect((error as NotionSyncError).code).toBe('file_invalid');
    expect((error as NotionSyncError).message).toMatch(/^tasks\/a\.md:[34]: /);
  });

  it('reports frontmatter without its closing line', () => {
    expect(() => parseDocument('---\nName: x\n', 'b.md')).toThrow(/^b\.md:1: .*closing/);
  });
});
