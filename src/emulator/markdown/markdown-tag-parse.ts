// Block-level XML-ish tags of enhanced markdown: <details>, <callout>, <columns>/<column>,
// <synced_block>, <table_of_contents/>, <page>, <database>, media tags and <unknown/>.

import type { BlockRequest, RichTextItem } from './markdown.ts';
import { type LineCursor, mediaPayload, parseBlocks } from './markdown-parse.ts';
import { idFromUrl, parseAttributes, toApiColor } from './markdown-syntax.ts';
import { parseRichTextMarkdown } from './rich-text-parse.ts';

const TAG_LINE = /^<([a-z_-]+)((?:\s+[\w-]+\s*=\s*"[^"]*")*)\s*(\/?)>(.*)$/;

/**
 * Parses a line that opens with a block-level tag, consuming its content lines. Returns
 * undefined when the tag is not a block tag (e.g. a paragraph starting with `<span>`).
 */
export function parseTagBlock(
  cursor: LineCursor,
  indent: number,
  content: string,
): BlockRequest[] | undefined {
  const match = TAG_LINE.exec(content);
  if (match === null) return undefined;
  const name = match[1] ?? '';
  const attributes = parseAttributes(match[2] ?? '');
  const selfClosing = match[3] === '/';
  const rest = match[4] ?? '';
  const parser = TAG_PARSERS[name];
  if (parser === undefined) return undefined;
  cursor.index += 1;
  return parser({ cursor, indent, attributes, selfClosing, rest, name });
}

interface TagLine {
  cursor: LineCursor;
  indent: number;
  attributes: Record<string, string>;
  selfClosing: boolean;
  rest: string;
  name: string;
}

type TagParser = (tag: TagLine) => BlockRequest[];

const TAG_PARSERS: Record<string, TagParser> = {
  details: parseToggle,
  callout: parseCallout,
  columns: (tag) => [container('column_list', tag, '</columns>')],
  column_list: (tag) => [container('column_list', tag, '</column_list>')],
  column: (tag) => [container('column', tag, '</column>')],
  synced_block: (tag) => [
    {
      type: 'synced_block',
      synced_block: withChildren({ synced_from: null }, innerBlocks(tag, '</synced_block>')),
    },
  ],
  synced_block_reference: parseSyncedReference,
  table_of_contents: (tag) => [
    { type: 'table_of_contents', table_of_contents: colorOf(tag.attributes) },
    ...parseBlocks(tag.cursor, tag.indent),
  ],
  page: (tag) => reference('child_page', tag),
  database: (tag) => reference('child_database', tag),
  audio: parseMedia,
  video: parseMedia,
  file: parseMedia,
  pdf: parseMedia,
  unknown: () => [],
};

function withChildren(payload: Record<string, unknown>, children: BlockRequest[]) {
  return children.length === 0 ? payload : { ...payload, children };
}

function colorOf(attributes: Record<string, string>): Record<string, unknown> {
  return attributes.color === undefined ? {} : { color: toApiColor(attributes.color) };
}

/** Children up to the closing tag, unless the tag closed on its own line or self-closed. */
function innerBlocks(tag: TagLine, closing: string): BlockRequest[] {
  if (tag.selfClosing || tag.rest.trim().endsWith(closing)) return [];
  return parseBlocks(tag.cursor, tag.indent, closing);
}

function container(type: string, tag: TagLine, closing: string): BlockRequest {
  return { type, [type]: withChildren({}, innerBlocks(tag, closing)) };
}

function parseToggle(tag: TagLine): BlockRequest[] {
  let head = tag.rest.trim();
  const { cursor } = tag;
  if (head === '') {
    while ((cursor.lines[cursor.index] ?? '').trim() === '' && cursor.index < cursor.lines.length) {
      cursor.index += 1;
    }
    const next = (cursor.lines[cursor.index] ?? '').trim();
    if (next.startsWith('<summary>')) {
      head = next;
      cursor.index += 1;
    }
  }
  const summary = /^<summary>(.*?)<\/summary>(.*)$/.exec(head);
  const title = summary?.[1] ?? '';
  const closedInline = (summary?.[2] ?? head).trim().endsWith('</details>');
  const children = closedInline ? [] : parseBlocks(cursor, tag.indent, '</details>');
  const payload = { rich_text: parseRichTextMarkdown(title), ...colorOf(tag.attributes) };
  return [{ type: 'toggle', toggle: withChildren(payload, children) }];
}

function parseCallout(tag: TagLine): BlockRequest[] {
  const payload: Record<string, unknown> = { rich_text: [], ...colorOf(tag.attributes) };
  const icon = tag.attributes.icon;
  if (icon !== undefined && icon !== '') {
    payload.icon = /^https?:\/\//.test(icon)
      ? { type: 'external', external: { url: icon } }
      : { type: 'emoji', emoji: icon };
  }
  const inline = /^(.*)<\/callout>\s*$/.exec(tag.rest);
  if (inline !== null) {
    payload.rich_text = parseRichTextMarkdown(inline[1] ?? '');
    return [{ type: 'callout', callout: payload }];
  }
  const children = parseBlocks(tag.cursor, tag.indent, '</callout>');
  const first = children[0];
  const firstPayload = first?.paragraph as Record<string, unknown> | undefined;
  // The callout's own text is its first line, written like a paragraph.
  if (first?.type === 'paragraph' && firstPayload?.children === undefined) {
    payload.rich_text = (firstPayload?.rich_text as RichTextItem[] | undefined) ?? [];
    children.shift();
  }
  return [{ type: 'callout', callout: withChildren(payload, children) }];
}

function parseSyncedReference(tag: TagLine): BlockRequest[] {
  innerBlocks(tag, '</synced_block_reference>');
  const id = idFromUrl(tag.attributes.url ?? '');
  const synced_from = id === undefined ? null : { type: 'block_id', block_id: id };
  return [{ type: 'synced_block', synced_block: { synced_from } }];
}

function plainTextOf(markdown: string): string {
  return parseRichTextMarkdown(markdown)
    .map((item) => item.text?.content ?? '')
    .join('');
}

function reference(type: 'child_page' | 'child_database', tag: TagLine): BlockRequest[] {
  const closing = type === 'child_page' ? '</page>' : '</database>';
  const title = tag.selfClosing ? '' : plainTextOf(tag.rest.replace(closing, ''));
  const id = idFromUrl(tag.attributes.url ?? '');
  const blocks: BlockRequest[] = id === undefined ? [] : [{ type, [type]: { id, title } }];
  return [...blocks, ...parseBlocks(tag.cursor, tag.indent)];
}

function parseMedia(tag: TagLine): BlockRequest[] {
  const closing = `</${tag.name}>`;
  const caption = tag.selfClosing ? '' : tag.rest.replace(closing, '');
  const payload = {
    ...mediaPayload(tag.attributes.src ?? '', parseRichTextMarkdown(caption)),
    ...colorOf(tag.attributes),
  };
  return [{ type: tag.name, [tag.name]: payload }, ...parseBlocks(tag.cursor, tag.indent)];
}
