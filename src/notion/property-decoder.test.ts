import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decodeProperties, decodeProperty } from './property-decoder.ts';

const FIXTURES = join(
  import.meta.dirname,
  '../../test/fixtures/notion/ramnes-notion-sdk-py/v2025-09-03',
);

/** Every page property value object in the recorded responses. */
function recordedPropertyValues(): unknown[] {
  const values: unknown[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj.object === 'page' && obj.properties && typeof obj.properties === 'object') {
      values.push(...Object.values(obj.properties as Record<string, unknown>));
    }
    Object.values(obj).forEach(walk);
  };
  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'))) {
    const cassette = parse(readFileSync(join(FIXTURES, file), 'utf8')) as {
      interactions: { response: { body: { string: string } } }[];
    };
    for (const interaction of cassette.interactions) {
      try {
        walk(JSON.parse(interaction.response.body.string));
      } catch {
        // Non-JSON bodies (file uploads) hold no pages.
      }
    }
  }
  return values;
}

const text = (content: string) => ({
  type: 'text',
  text: { content, link: null },
  annotations: {
    bold: false,
    italic: false,
    strikethrough: false,
    underline: false,
    code: false,
    color: 'default',
  },
  plain_text: content,
  href: null,
});
const mention = (id: string) => ({
  type: 'mention',
  mention: { type: 'user', user: { object: 'user', id } },
  plain_text: '@Someone',
  href: null,
});
const ids = (n: number, prefix = 'p') =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}` }));

describe('decodeProperty', () => {
  it('decodes every recorded property value without loss', () => {
    const values = recordedPropertyValues();
    expect(values.length).toBeGreaterThan(0);
    const types = new Set<string>();
    for (const value of values) {
      const decoded = decodeProperty(value);
      const raw = value as { type: string; id: string; title?: { plain_text: string }[] };
      types.add(raw.type);
      expect(decoded.type).toBe(raw.type);
      expect(decoded.id).toBe(raw.id);
      expect(decoded.raw).toStrictEqual(value);
      expect(decoded.complete).toBe(true);
      if (raw.type === 'title')
        expect(decoded.value).toBe((raw.title ?? []).map((t) => t.plain_text).join(''));
    }
    // The cassettes only hold title values; every type in them must be covered here.
    expect([...types].every((t) => ['title'].includes(t))).toBe(true);
  });

  it.each([
    [
      'title',
      [text('Hello '), { type: 'equation', equation: { expression: 'x^2' }, plain_text: 'x^2' }],
      'Hello x^2',
    ],
    ['rich_text', [], ''],
    ['number', 4.5, 4.5],
    ['number', null, null],
    ['select', { id: 'a', name: 'Open', color: 'red' }, 'Open'],
    ['select', null, null],
    ['status', { id: 'b', name: 'Done', color: 'green' }, 'Done'],
    [
      'multi_select',
      [
        { id: 'a', name: 'x', color: 'red' },
        { id: 'b', name: 'y', color: 'blue' },
      ],
      ['x', 'y'],
    ],
    [
      'date',
      { start: '2026-01-02', end: null, time_zone: null },
      { start: '2026-01-02', end: null, timeZone: null },
    ],
    [
      'date',
      { start: '2026-01-02T10:00:00.000+02:00', end: '2026-01-03', time_zone: 'Europe/Paris' },
      { start: '2026-01-02T10:00:00.000+02:00', end: '2026-01-03', timeZone: 'Europe/Paris' },
    ],
    [
      'people',
      [
        { object: 'user', id: 'u1' },
        { object: 'group', id: 'g1', name: 'Team' },
      ],
      ['u1', 'g1'],
    ],
    ['relation', [{ id: 'p1' }, { id: 'p2' }], ['p1', 'p2']],
    [
      'files',
      [
        {
          name: 'a.pdf',
          type: 'file',
          file: { url: 'https://s3/x/a.pdf?sig=1', expiry_time: '2026-01-01T01:00:00.000Z' },
        },
        { name: 'b', type: 'external', external: { url: 'https://e/b' } },
      ],
      [
        // A Notion-hosted file is known by its URL without the signature (which changes per read).
        { name: 'a.pdf', url: 'https://s3/x/a.pdf' },
        { name: 'b', url: 'https://e/b' },
      ],
    ],
    ['checkbox', true, true],
    ['url', 'https://x.y', 'https://x.y'],
    ['email', null, null],
    ['phone_number', '+33 1', '+33 1'],
    ['created_time', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    ['last_edited_by', { object: 'user', id: 'u9' }, 'u9'],
    ['unique_id', { prefix: 'TASK', number: 12 }, { prefix: 'TASK', number: 12 }],
    ['formula', { type: 'number', number: 3 }, 3],
    [
      'formula',
      { type: 'date', date: { start: '2026-01-01', end: null, time_zone: null } },
      { start: '2026-01-01', end: null, timeZone: null },
    ],
    [
      'rollup',
      {
        type: 'array',
        function: 'show_original',
        array: [
          { type: 'number', number: 1 },
          { type: 'title', title: [text('T')] },
        ],
      },
      [1, 'T'],
    ],
    ['rollup', { type: 'number', number: 7, function: 'sum' }, 7],
    [
      'place',
      { lat: 1.5, lon: 2.5, name: 'Here', address: null },
      { lat: 1.5, lon: 2.5, name: 'Here', address: null },
    ],
    [
      'verification',
      {
        state: 'verified',
        date: { start: '2026-01-01', end: null, time_zone: null },
        verified_by: { object: 'user', id: 'u1' },
      },
      {
        state: 'verified',
        date: { start: '2026-01-01', end: null, timeZone: null },
        verifiedBy: 'u1',
      },
    ],
    ['button', {}, null],
  ])('decodes %s', (type, inner, expected) => {
    const decoded = decodeProperty({ id: 'x', type, [type]: inner });
    expect(decoded.value).toStrictEqual(expected);
    expect(decoded.complete).toBe(true);
  });

  it('marks computed types read-only', () => {
    expect(
      decodeProperty({ id: 'f', type: 'formula', formula: { type: 'string', string: 'a' } })
        .writable,
    ).toBe(false);
    expect(decodeProperty({ id: 'n', type: 'number', number: 1 }).writable).toBe(true);
  });

  it('marks values Notion may have cut at 25 references', () => {
    expect(
      decodeProperty({ id: 'r', type: 'relation', relation: ids(25), has_more: true })
        .incompleteReason,
    ).toBe('truncated');
    expect(
      decodeProperty({ id: 'r', type: 'relation', relation: ids(25), has_more: false }).complete,
    ).toBe(true);
    expect(decodeProperty({ id: 'r', type: 'relation', relation: ids(25) }).complete).toBe(false);
    expect(decodeProperty({ id: 'p', type: 'people', people: ids(25, 'u') }).complete).toBe(false);
    expect(decodeProperty({ id: 'p', type: 'people', people: ids(24, 'u') }).complete).toBe(true);
    const mentions = Array.from({ length: 25 }, (_, i) => mention(`u${i}`));
    expect(decodeProperty({ id: 't', type: 'rich_text', rich_text: mentions }).complete).toBe(
      false,
    );
    expect(
      decodeProperty({
        id: 'o',
        type: 'rollup',
        rollup: { type: 'incomplete', incomplete: {}, function: 'sum' },
      }).incompleteReason,
    ).toBe('rollup_incomplete');
  });

  it('marks rollups over a truncated relation', () => {
    const properties = {
      Tasks: { id: 'r', type: 'relation', relation: ids(25), has_more: true },
      Other: { id: 'o', type: 'relation', relation: ids(2), has_more: false },
      Total: { id: 's', type: 'rollup', rollup: { type: 'number', number: 25, function: 'count' } },
      OtherTotal: {
        id: 't',
        type: 'rollup',
        rollup: { type: 'number', number: 2, function: 'count' },
      },
    };
    const linked = decodeProperties(properties, { Total: 'Tasks', OtherTotal: 'Other' });
    expect(linked.Total?.incompleteReason).toBe('rollup_over_truncated_relation');
    expect(linked.OtherTotal?.complete).toBe(true);
    // Without the schema every rollup of the page is suspect.
    expect(decodeProperties(properties).OtherTotal?.complete).toBe(false);
  });
});
