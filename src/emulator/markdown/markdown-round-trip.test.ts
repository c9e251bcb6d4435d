import { describe, expect, it } from 'vitest';
import { type BlockRequest, blocksToMarkdown, markdownToBlocks } from './markdown.ts';
import { block, canonicalBlocks, rich, text, toResponseBlocks } from './markdown-test-support.ts';

function roundTrip(blocks: BlockRequest[]): BlockRequest[] {
  return markdownToBlocks(blocksToMarkdown(toResponseBlocks(blocks)).markdown);
}

const PAGE_ID = '393abc1e-edcd-81d5-bf32-d1339d9031c2';
const OTHER_ID = '0f0e9f5c-7c52-4e0e-9a41-2d1b6d0a5a11';

describe('blocksToMarkdown / markdownToBlocks round trip', () => {
  const cases: [string, BlockRequest[]][] = [
    [
      'paragraph with annotations',
      [
        block(
          'paragraph',
          rich(
            text('plain '),
            text('bold', { bold: true }),
            text(' and '),
            text('both', { bold: true, italic: true }),
            text(' '),
            text('gone', { strikethrough: true }),
            text(' '),
            text('x = 1', { code: true }),
          ),
        ),
      ],
    ],
    [
      'underline and colours',
      [
        block('paragraph', {
          ...rich(
            text('under', { underline: true }),
            text(' '),
            text('red', { color: 'red' }),
            text(' '),
            text('bg', { color: 'yellow_background' }),
          ),
          color: 'blue_background',
        }),
      ],
    ],
    [
      'links and inline math',
      [
        block(
          'paragraph',
          rich(
            {
              type: 'text',
              text: { content: 'the docs', link: { url: 'https://developers.notion.com/x_(y)' } },
            },
            text(' say '),
            { type: 'equation', equation: { expression: 'e = mc^2' } },
          ),
        ),
      ],
    ],
    // Regression (property test, seed 1): an opener followed by an escaped character.
    [
      'escaped backslash under italic and strike',
      [
        block(
          'paragraph',
          rich(text('\\', { italic: true }), text('a'), text('\\', { strikethrough: true })),
        ),
      ],
    ],
    ['line breaks', [block('paragraph', rich(text('line 1\nline 2')))]],
    [
      'special characters',
      [block('paragraph', rich(text('a * b ~ c `d` $5 [x] <y> {z} | ^ \\ _u_')))],
    ],
    [
      'block syntax at line start',
      [
        block('paragraph', rich(text('# not a heading'))),
        block('paragraph', rich(text('1. not a list'))),
        block('paragraph', rich(text('- nor this'))),
        block('paragraph', rich(text('---'))),
      ],
    ],
    ['empty paragraph', [block('paragraph', rich()), block('paragraph', rich(text('after')))]],
    [
      'headings 1-4 with colour and toggle',
      [
        block('heading_1', rich(text('One'))),
        block('heading_2', { ...rich(text('Two')), color: 'red' }),
        block('heading_3', {
          ...rich(text('Three')),
          is_toggleable: true,
          children: [block('paragraph', rich(text('hidden')))],
        }),
        block('heading_4', rich(text('Four'))),
      ],
    ],
    [
      'nested lists',
      [
        block('bulleted_list_item', {
          ...rich(text('top')),
          children: [
            block('numbered_list_item', {
              ...rich(text('first')),
              children: [block('to_do', { ...rich(text('deep')), checked: true })],
            }),
            block('numbered_list_item', rich(text('second'))),
          ],
        }),
      ],
    ],
    [
      'to-dos',
      [
        block('to_do', { ...rich(text('open')), checked: false }),
        block('to_do', { ...rich(text('done')), checked: true, color: 'green' }),
      ],
    ],
    [
      'toggle with children',
      [
        block('toggle', {
          ...rich(text('Details', { bold: true })),
          children: [
            block('paragraph', rich(text('inside'))),
            block('bulleted_list_item', rich(text('item'))),
          ],
        }),
      ],
    ],
    [
      'quote with children',
      [
        block('quote', {
          ...rich(text('said\nagain')),
          children: [block('paragraph', rich(text('more')))],
        }),
      ],
    ],
    [
      'callout',
      [
        block('callout', {
          ...rich(text('Note')),
          icon: { type: 'emoji', emoji: '💡' },
          color: 'gray_background',
          children: [block('paragraph', rich(text('child')))],
        }),
      ],
    ],
    [
      'callout without text',
      [
        block('callout', {
          ...rich(),
          icon: { type: 'emoji', emoji: '⚠️' },
          children: [block('paragraph', rich(text('first child')))],
        }),
      ],
    ],
    [
      'code',
      [
        block('code', {
          ...rich(text('const a = `x`;\n  return a * 2; // {ok}')),
          language: 'typescript',
        }),
        block('code', { ...rich(text('plain')), language: 'plain text' }),
      ],
    ],
    [
      'code nested in a list',
      [
        block('bulleted_list_item', {
          ...rich(text('run')),
          children: [block('code', { ...rich(text('npm ci\n\tindented')), language: 'shell' })],
        }),
      ],
    ],
    [
      'divider and equation',
      [block('divider', {}), block('equation', { expression: '\\int_0^1 x\\,dx' })],
    ],
    [
      'table',
      [
        block('table', {
          table_width: 2,
          has_column_header: true,
          has_row_header: false,
          children: [
            block('table_row', { cells: [[text('Name')], [text('Value', { bold: true })]] }),
            block('table_row', { cells: [[text('a | b')], []] }),
          ],
        }),
      ],
    ],
    [
      'media',
      [
        block('image', {
          type: 'external',
          external: { url: 'https://example.com/a.png' },
          caption: [text('An image')],
        }),
        block('video', {
          type: 'external',
          external: { url: 'https://example.com/v.mp4' },
          caption: [],
        }),
        block('audio', {
          type: 'external',
          external: { url: 'https://example.com/a.mp3' },
          caption: [text('song')],
        }),
        block('file', {
          type: 'external',
          external: { url: 'https://example.com/f.zip' },
          caption: [],
        }),
        block('pdf', {
          type: 'external',
          external: { url: 'https://example.com/d.pdf' },
          caption: [],
        }),
      ],
    ],
    [
      'mentions',
      [
        block(
          'paragraph',
          rich(
            { type: 'mention', mention: { type: 'user', user: { id: OTHER_ID } } },
            text(' on '),
            { type: 'mention', mention: { type: 'date', date: { start: '2026-11-22' } } },
            text(' see '),
            { type: 'mention', mention: { type: 'page', page: { id: PAGE_ID } } },
          ),
        ),
      ],
    ],
    [
      'page and database references',
      [
        block('child_page', { id: PAGE_ID, title: 'Sub page' }),
        block('child_database', { id: OTHER_ID, title: 'Tasks' }),
      ],
    ],
    [
      'columns and table of contents',
      [
        block('table_of_contents', { color: 'gray' }),
        block('column_list', {
          children: [
            block('column', { children: [block('paragraph', rich(text('left')))] }),
            block('column', { children: [block('paragraph', rich(text('right')))] }),
          ],
        }),
      ],
    ],
    [
      'synced block',
      [
        block('synced_block', {
          synced_from: null,
          children: [block('paragraph', rich(text('shared')))],
        }),
      ],
    ],
  ];
  it.each(cases)('%s', (_name, blocks) => {
    expect(canonicalBlocks(roundTrip(blocks))).toEqual(canonicalBlocks(blocks));
  });
});
