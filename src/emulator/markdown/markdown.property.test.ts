// Invariant: for block trees of the supported types whose rich text carries no whitespace at
// item edges, markdownToBlocks(blocksToMarkdown(blocks)) gives back the same blocks (same
// characters with the same annotations, links, mentions and equations, same nesting).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BlockRequest,
  blocksToMarkdown,
  markdownToBlocks,
  type RichTextItem,
} from './markdown.ts';
import { canonicalBlocks, toResponseBlocks } from './markdown-test-support.ts';

const CHARACTERS = [...'abcXYZ019*_~`$[]<>{}|^\\#-!.:()&"=/', 'é', '🎯'];
const word = fc
  .array(fc.constantFrom(...CHARACTERS), { minLength: 1, maxLength: 6 })
  .map((chars) => chars.join(''));
const spacedText = fc
  .array(word, { minLength: 1, maxLength: 4 })
  .chain((words) => fc.constantFrom(' ', '\n').map((separator) => words.join(separator)));
const annotations = fc.record({
  bold: fc.boolean(),
  italic: fc.boolean(),
  strikethrough: fc.boolean(),
  underline: fc.boolean(),
  code: fc.boolean(),
  color: fc.constantFrom('default', 'red', 'blue_background'),
});
const ID = '0f0e9f5c-7c52-4e0e-9a41-2d1b6d0a5a11';

const textItem: fc.Arbitrary<RichTextItem> = fc
  .record({
    content: spacedText,
    annotations,
    link: fc.constantFrom(null, 'https://example.com/a_b?c=1'),
  })
  .map(({ content, annotations: a, link }) => ({
    type: 'text',
    text: { content, link: link === null ? null : { url: link } },
    annotations: a,
  }));
const otherItem: fc.Arbitrary<RichTextItem> = fc.oneof(
  fc
    .stringMatching(/^[a-z0-9+^_{}\\ ]{1,8}$/)
    .filter((e) => !e.endsWith('\\') && e.trim() === e)
    .map((expression) => ({ type: 'equation' as const, equation: { expression } })),
  fc.constantFrom<RichTextItem>(
    { type: 'mention', mention: { type: 'user', user: { id: ID } } },
    { type: 'mention', mention: { type: 'page', page: { id: ID } } },
    { type: 'mention', mention: { type: 'date', date: { start: '2026-11-22' } } },
  ),
);
const richText = fc.array(
  fc.oneof({ weight: 4, arbitrary: textItem }, { weight: 1, arbitrary: otherItem }),
  {
    minLength: 1,
    maxLength: 5,
  },
);

const leaf: fc.Arbitrary<BlockRequest> = fc.oneof(
  richText.map((rich_text) => ({ type: 'paragraph', paragraph: { rich_text } })),
  fc
    .tuple(fc.constantFrom('heading_1', 'heading_2', 'heading_3'), richText)
    .map(([type, rich_text]) => ({ type, [type]: { rich_text } })),
  fc
    .stringMatching(/^[ -~\n\t]{1,40}$/)
    .filter((code) => code.trim() === code && !code.includes('```'))
    .map((code) => ({
      type: 'code',
      code: {
        rich_text: [{ type: 'text', text: { content: code, link: null } }],
        language: 'python',
      },
    })),
);

function container(children: fc.Arbitrary<BlockRequest[]>): fc.Arbitrary<BlockRequest> {
  return fc
    .tuple(
      fc.constantFrom('bulleted_list_item', 'numbered_list_item', 'to_do', 'toggle', 'quote'),
      richText,
      children,
      fc.boolean(),
    )
    .map(([type, rich_text, nested, checked]) => ({
      type,
      [type]: {
        rich_text,
        ...(type === 'to_do' ? { checked } : {}),
        ...(nested.length > 0 ? { children: nested } : {}),
      },
    }));
}

const level2 = fc.array(fc.oneof(leaf, container(fc.constant([]))), { maxLength: 3 });
const level1 = fc.array(fc.oneof(leaf, container(level2)), { maxLength: 3 });
const document = fc.array(fc.oneof(leaf, container(level1)), { minLength: 1, maxLength: 5 });

describe('enhanced markdown round trip (property)', () => {
  it('markdownToBlocks(blocksToMarkdown(blocks)) equals blocks', () => {
    fc.assert(
      fc.property(document, (blocks) => {
        const markdown = blocksToMarkdown(toResponseBlocks(blocks)).markdown;
        expect(canonicalBlocks(markdownToBlocks(markdown))).toEqual(canonicalBlocks(blocks));
      }),
      { seed: 20261122, numRuns: 300 },
    );
  });
});
