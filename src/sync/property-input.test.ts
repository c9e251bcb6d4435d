import { describe, expect, it } from 'vitest';
import { NotionSyncError } from '../errors.ts';
import { checkLocalValues, parseAssignments, parsePropertyText } from './property-input.ts';
import type { SourceSchema } from './store-api.ts';

const schema: SourceSchema = {
  properties: {
    t: { id: 't', name: 'Name', type: 'title' },
    n: { id: 'n', name: 'Estimate', type: 'number' },
    c: { id: 'c', name: 'Done', type: 'checkbox' },
    m: { id: 'm', name: 'Tags', type: 'multi_select' },
    d: { id: 'd', name: 'Due', type: 'date' },
    r: { id: 'r', name: 'Project', type: 'relation' },
    f: { id: 'f', name: 'Double', type: 'formula' },
    u: { id: 'u', name: 'Link', type: 'url' },
    s: { id: 's', name: 'Status', type: 'status', options: ['Not started', 'In progress', 'Done'] },
    o: { id: 'o', name: 'Stage', type: 'select' },
  },
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof NotionSyncError ? error.code : 'other';
  }
  return undefined;
}

describe('local values', () => {
  it('parses command-line text per property type into decoder-shaped values', () => {
    const values = parseAssignments(schema, [
      'Name=Launch plan',
      'Estimate=3.5',
      'Done=yes',
      'Tags=a,b,a',
      'Due=2026-01-31..2026-02-02',
      'Project=0123456789abcdef0123456789abcdef',
      'Link=',
    ]);
    expect(checkLocalValues(schema, values)).toEqual({
      t: 'Launch plan',
      n: 3.5,
      c: true,
      m: ['a', 'b'],
      d: { start: '2026-01-31', end: '2026-02-02', timeZone: null },
      r: ['01234567-89ab-cdef-0123-456789abcdef'],
      u: null,
    });
  });

  it('refuses bad values, unknown and computed properties with value_invalid', () => {
    expect(codeOf(() => parsePropertyText(schema.properties.n!, 'three'))).toBe('value_invalid');
    expect(codeOf(() => parsePropertyText(schema.properties.c!, 'maybe'))).toBe('value_invalid');
    expect(codeOf(() => parsePropertyText(schema.properties.d!, '31/01/2026'))).toBe(
      'value_invalid',
    );
    expect(codeOf(() => parsePropertyText(schema.properties.r!, 'not-an-id'))).toBe(
      'value_invalid',
    );
    expect(codeOf(() => parseAssignments(schema, ['Double=2']))).toBe('value_invalid');
    expect(codeOf(() => parseAssignments(schema, ['Estimat=2']))).toBe('value_invalid');
    expect(codeOf(() => parseAssignments(schema, ['Estimate']))).toBe('usage');
    expect(codeOf(() => checkLocalValues(schema, { Estimate: 'x' }))).toBe('value_invalid');
  });

  it('takes numbers in plain decimal notation only (no hex, binary, octal, blanks)', () => {
    const n = schema.properties.n!;
    expect(
      ['42', '-3.5', '+2', '.5', '7.', '1e6', '2.5E-3'].map((t) => parsePropertyText(n, t)),
    ).toEqual([42, -3.5, 2, 0.5, 7, 1e6, 0.0025]);
    for (const text of [
      '0x10',
      '0b11',
      '0o7',
      ' 1',
      '1 000',
      '1,5',
      'Infinity',
      'NaN',
      '1_000',
      '-',
    ])
      expect(
        codeOf(() => parsePropertyText(n, text)),
        text,
      ).toBe('value_invalid');
  });

  it('refuses a date range that ends before it starts', () => {
    const due = parseAssignments(schema, ['Due=2026-02-02..2026-01-31']);
    expect(codeOf(() => checkLocalValues(schema, due))).toBe('value_invalid');
    expect(
      codeOf(() =>
        checkLocalValues(schema, {
          Due: { start: '2026-01-31T10:00:00Z', end: '2026-01-31T09:00:00Z', timeZone: null },
        }),
      ),
    ).toBe('value_invalid');
    expect(
      checkLocalValues(schema, parseAssignments(schema, ['Due=2026-01-31..2026-01-31'])),
    ).toEqual({
      d: { start: '2026-01-31', end: '2026-01-31', timeZone: null },
    });
  });

  it('refuses a status option the snapshot does not have, listing the valid ones; keeps select open', () => {
    let error: unknown;
    try {
      checkLocalValues(schema, { Status: 'Bogus' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotionSyncError);
    const e = error as NotionSyncError;
    expect(e.code).toBe('value_invalid');
    expect(e.details).toMatchObject({
      property: 'Status',
      options: ['Not started', 'In progress', 'Done'],
    });
    expect(e.message).toContain('"In progress"');
    expect(checkLocalValues(schema, { Status: 'Done', Stage: 'brand new option' })).toEqual({
      s: 'Done',
      o: 'brand new option',
    });
  });
});
