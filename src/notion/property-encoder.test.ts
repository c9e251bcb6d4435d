import { describe, expect, it } from 'vitest';
import type { NotionSyncError } from '../errors.ts';
import { encodeProperties, encodePropertyValue, type PropertySchema } from './property-encoder.ts';
import { textToRichTextRequest } from './rich-text.ts';

const schema = (type: string, extra: Record<string, unknown> = {}): PropertySchema => ({
  id: 'x',
  name: 'Prop',
  type,
  ...extra,
});
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function errorOf(fn: () => unknown): NotionSyncError {
  try {
    fn();
  } catch (error) {
    return error as NotionSyncError;
  }
  throw new Error('expected an error');
}

describe('encodePropertyValue', () => {
  it('splits long text into items of at most 2,000 characters', () => {
    const value = encodePropertyValue(schema('rich_text'), 'a'.repeat(4500)) as {
      rich_text: { text: { content: string } }[];
    };
    expect(value.rich_text.map((i) => i.text.content.length)).toStrictEqual([2000, 2000, 500]);
  });

  it('never cuts a surrogate pair', () => {
    const text = `${'a'.repeat(1999)}😀b`;
    const items = textToRichTextRequest(text);
    expect(items[0]?.text.content).toBe('a'.repeat(1999));
    expect(items.map((i) => i.text.content).join('')).toBe(text);
  });

  it('refuses text longer than 100 items', () => {
    expect(errorOf(() => encodePropertyValue(schema('title'), 'a'.repeat(200_001))).code).toBe(
      'value_invalid',
    );
  });

  it('writes select and status by name, status only from its options', () => {
    const status = schema('status', {
      status: { options: [{ name: 'Not started' }, { name: 'Done' }] },
    });
    expect(encodePropertyValue(status, 'Done')).toStrictEqual({ status: { name: 'Done' } });
    const error = errorOf(() => encodePropertyValue(status, 'Dne'));
    expect(error.code).toBe('value_invalid');
    expect(error.details.options).toStrictEqual(['Not started', 'Done']);
    expect(encodePropertyValue(schema('select'), null)).toStrictEqual({ select: null });
    expect(errorOf(() => encodePropertyValue(schema('select'), 'a,b')).code).toBe('value_invalid');
  });

  it('caps relations and people at 100 per write', () => {
    const many = Array.from({ length: 101 }, (_, i) => uuid(i));
    const error = errorOf(() => encodePropertyValue(schema('relation'), many));
    expect(error.code).toBe('value_invalid');
    expect(error.details.limit).toBe(100);
    expect(errorOf(() => encodePropertyValue(schema('people'), many)).code).toBe('value_invalid');
    expect(encodePropertyValue(schema('relation'), many.slice(0, 100)).relation).toHaveLength(100);
  });

  it('refuses computed properties and wrong shapes', () => {
    expect(errorOf(() => encodePropertyValue(schema('formula'), 1)).code).toBe('value_invalid');
    expect(errorOf(() => encodePropertyValue(schema('number'), Number.NaN)).code).toBe(
      'value_invalid',
    );
    expect(errorOf(() => encodePropertyValue(schema('checkbox'), 'yes')).code).toBe(
      'value_invalid',
    );
    expect(errorOf(() => encodePropertyValue(schema('relation'), ['not-an-id'])).code).toBe(
      'value_invalid',
    );
    expect(
      errorOf(() =>
        encodePropertyValue(schema('date'), { start: 'soon', end: null, timeZone: null }),
      ).code,
    ).toBe('value_invalid');
    expect(errorOf(() => encodePropertyValue(schema('email'), 'a'.repeat(201))).code).toBe(
      'value_invalid',
    );
  });

  it('names unknown properties with a suggestion', () => {
    const error = errorOf(() => encodeProperties({ Status: schema('status') }, { Stauts: 'x' }));
    expect(error.code).toBe('value_invalid');
    expect(error.details.property).toBe('Stauts');
  });
});
