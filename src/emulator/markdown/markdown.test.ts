import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type BlockRequest,
  blocksToMarkdown,
  markdownToBlocks,
  type RichTextItem,
} from './markdown.ts';
import { block, canonicalBlocks, rich, text, toResponseBlocks } from './markdown-test-support.ts';

function payloadOf<T>(request: BlockRequest | undefined): T {
  if (request === undefined) throw new Error('expected a block');
  return request[request.type] as T;
}

const PAGE_ID = '393abc1e-edcd-81d5-bf32-d1339d9031c2';
const OTHER_ID = '0f0e9f5c-7c52-4e0e-9a41-2d1b6d0a5a11';

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
          '../../../test/fixtures/notion/ramnes-notion-sdk-py/v2025-09-03/test_pages_update_markdown.yaml',
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
