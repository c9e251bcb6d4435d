import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type BlockRequest,
  blocksToMarkdown,
  markdownToBlocks,
  type RichTextItem,
} from './markdown.ts';
import { canonicalBlocks, toResponseBlocks } from './markdown-test-support.ts';

const text = (content: string, annotations: RichTextItem['annotations'] = {}): RichTextItem => ({
  type: 'text',
  text: { content, link: null },
  annotations,
});
const rich = (...items: RichTextItem[]) => ({ rich_text: items });
const block = (type: string, payload: Record<string, unknown>): BlockRequest => ({
  type,
  [type]: payload,
});

function payloadOf<T>(request: BlockRequest | undefined): T {
  if (request === undefined) throw new Error('expected a block');
  return request[request.type] as T;
}

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

describe('blocksToMarkdown', () => {
  it('renders the shapes the reference describes, one block per line, tabs for nesting', () => {
    const blocks = [
      block('heading_2', rich(text('Plan'))),
      block('to_do', { ...rich(text('Write spec')), checked: true }),
      block('numbered_list_item', rich(text('one'))),
      block('numbered_list_item', {
        ...rich(text('two')),
        children: [block('bulleted_list_item', rich(text('sub')))],
      }),
      block('callout', {
        ...rich(text('Ship by '), text('Friday', { bold: true })),
        icon: { type: 'emoji', emoji: '🎯' },
        color: 'blue_background',
      }),
      block('toggle', {
        ...rich(text('More')),
        children: [block('paragraph', rich(text('hidden')))],
      }),
    ];
    expect(blocksToMarkdown(toResponseBlocks(blocks)).markdown).toBe(
      [
        '## Plan',
        '- [x] Write spec',
        '1. one',
        '2. two',
        '\t- sub',
        '<callout icon="🎯" color="blue_bg">',
        '\tShip by **Friday**',
        '</callout>',
        '<details>',
        '<summary>More</summary>',
        '\thidden',
        '</details>',
      ].join('\n'),
    );
  });

  it('renders uncovered block types as <unknown> tags and reports their ids', () => {
    const blocks = toResponseBlocks([
      block('paragraph', rich(text('before'))),
      block('bookmark', { url: 'https://example.com', caption: [] }),
      block('breadcrumb', {}),
    ]);
    const result = blocksToMarkdown(blocks, { pageId: PAGE_ID });
    const [, bookmark, breadcrumb] = blocks;
    expect(result.unknownBlockIds).toEqual([bookmark?.id, breadcrumb?.id]);
    const pageHex = PAGE_ID.replaceAll('-', '');
    const bookmarkHex = String(bookmark?.id).replaceAll('-', '');
    expect(result.markdown.split('\n')[1]).toBe(
      `<unknown url="https://app.notion.com/p/${pageHex}#${bookmarkHex}" alt="bookmark"/>`,
    );
  });

  it('keeps whitespace at the edge of a bold run outside the markers', () => {
    const blocks = toResponseBlocks([
      block('paragraph', rich(text('bold ', { bold: true }), text('plain'))),
    ]);
    expect(blocksToMarkdown(blocks).markdown).toBe('**bold** plain');
  });

  it('renders Notion-hosted files by their URL and link_to_page as a mention line', () => {
    const blocks = toResponseBlocks([
      block('image', {
        type: 'file',
        file: { url: 'https://files.example/x.png', expiry_time: '2026-01-01T00:00:00.000Z' },
        caption: [],
      }),
      block('link_to_page', { type: 'page_id', page_id: PAGE_ID }),
    ]);
    expect(blocksToMarkdown(blocks).markdown).toBe(
      `![](https://files.example/x.png)\n<mention-page url="https://app.notion.com/p/${PAGE_ID.replaceAll('-', '')}"/>`,
    );
  });
});

describe('markdownToBlocks', () => {
  it('reads the reference complete example', () => {
    const markdown = [
      '# Project kickoff {color="blue"}',
      '',
      '<callout icon="🎯" color="blue_bg">',
      '\tShip the MVP by **Friday**.',
      '</callout>',
      '',
      '- [x] Write spec',
      '- [ ] Build prototype',
      '',
      '```python',
      'def greet(name):',
      '    return f"Hello, {name}!"',
      '```',
      '',
      '| Status | Owner |',
      '|---|---|',
      `| In progress | <mention-user url="user://${OTHER_ID}">Ada</mention-user> |`,
    ].join('\n');
    const blocks = markdownToBlocks(markdown);
    expect(blocks.map((b) => b.type)).toEqual([
      'heading_1',
      'callout',
      'to_do',
      'to_do',
      'code',
      'table',
    ]);
    expect(canonicalBlocks(blocks)).toEqual(
      canonicalBlocks([
        block('heading_1', { ...rich(text('Project kickoff')), color: 'blue' }),
        block('callout', {
          ...rich(text('Ship the MVP by '), text('Friday', { bold: true }), text('.')),
          icon: { type: 'emoji', emoji: '🎯' },
          color: 'blue_background',
        }),
        block('to_do', { ...rich(text('Write spec')), checked: true }),
        block('to_do', { ...rich(text('Build prototype')), checked: false }),
        block('code', {
          ...rich(text('def greet(name):\n    return f"Hello, {name}!"')),
          language: 'python',
        }),
        block('table', {
          table_width: 2,
          has_column_header: true,
          has_row_header: false,
          children: [
            block('table_row', { cells: [[text('Status')], [text('Owner')]] }),
            block('table_row', {
              cells: [
                [text('In progress')],
                [{ type: 'mention', mention: { type: 'user', user: { id: OTHER_ID } } }],
              ],
            }),
          ],
        }),
      ]),
    );
  });

  it('matches the recorded PATCH /v1/pages/{id}/markdown round trip', () => {
    const cassette = parse(
      readFileSync(
        new URL(
          '../../test/fixtures/notion/ramnes-notion-sdk-py/v2025-09-03/test_pages_update_markdown.yaml',
          import.meta.url,
        ),
        'utf8',
      ),
    ) as {
      interactions: {
        request: { body: string; uri: string; method: string };
        response: { body: { string: string } };
      }[];
    };
    const patch = cassette.interactions.find(
      (i) => i.request.method === 'PATCH' && i.request.uri.endsWith('/markdown'),
    );
    const sent = (
      JSON.parse(patch?.request.body ?? '{}') as { insert_content: { content: string } }
    ).insert_content.content;
    const returned = (JSON.parse(patch?.response.body.string ?? '{}') as { markdown: string })
      .markdown;
    expect(blocksToMarkdown(toResponseBlocks(markdownToBlocks(sent))).markdown).toBe(returned);
  });

  it('maps heading 5 and 6 to heading 4 and reads fence aliases', () => {
    const blocks = markdownToBlocks('##### five\n###### six\n```js\nx\n```\n```\ny\n```');
    expect(blocks.map((b) => b.type)).toEqual(['heading_4', 'heading_4', 'code', 'code']);
    expect(payloadOf<{ language: string }>(blocks[2]).language).toBe('javascript');
    expect(payloadOf<{ language: string }>(blocks[3]).language).toBe('plain text');
  });

  it('drops <unknown> placeholders and reads space-indented lists', () => {
    const blocks = markdownToBlocks('- a\n  - b\n    - c\n<unknown url="https://x" alt="embed"/>');
    expect(canonicalBlocks(blocks)).toEqual(
      canonicalBlocks([
        block('bulleted_list_item', {
          ...rich(text('a')),
          children: [
            block('bulleted_list_item', {
              ...rich(text('b')),
              children: [block('bulleted_list_item', rich(text('c')))],
            }),
          ],
        }),
      ]),
    );
  });

  it('splits text longer than 2,000 characters into several items', () => {
    const [paragraph] = markdownToBlocks('x'.repeat(4500));
    const items = payloadOf<{ rich_text: RichTextItem[] }>(paragraph).rich_text;
    expect(items.map((item) => item.text?.content.length)).toEqual([2000, 2000, 500]);
  });

  it('leaves unmatched emphasis markers as text', () => {
    const [paragraph] = markdownToBlocks('2 * 3 * 4 and a*b');
    expect(canonicalBlocks([paragraph as BlockRequest])).toEqual(
      canonicalBlocks([block('paragraph', rich(text('2 * 3 * 4 and a*b')))]),
    );
  });
});
