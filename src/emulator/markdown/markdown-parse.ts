// Enhanced markdown → block requests (as PATCH /v1/blocks/{id}/children accepts them). Every
// non-blank line starts a block; blank lines are ignored; lines indented deeper than a block
// (tabs, or two spaces per level) are its children. `<unknown …/>` placeholders are dropped.

import type { BlockRequest, RichTextItem } from './markdown.ts';
import { parseCodeLanguage } from './markdown-code-language.ts';
import { splitBlockAttributes, splitLinkDestination, toApiColor } from './markdown-syntax.ts';
import { isPipeTableStart, parsePipeTable, parseTableHtml } from './markdown-table-parse.ts';
import { parseTagBlock } from './markdown-tag-parse.ts';
import { parseRichTextMarkdown } from './rich-text-parse.ts';

/** Reading position over the document's lines. */
export interface LineCursor {
  lines: string[];
  index: number;
}

/**
 * Parses Notion-flavoured Markdown into block requests with nested children in
 * `<type>.children`. `<page url>` / `<database url>` become `child_page` / `child_database`
 * references `{ id, title }` to existing objects (see {@link BlockRequest}).
 */
export function markdownToBlocks(markdown: string): BlockRequest[] {
  const cursor: LineCursor = { lines: markdown.replaceAll('\r\n', '\n').split('\n'), index: 0 };
  return parseBlocks(cursor, -1);
}

/** Leading whitespace as nesting depth: a tab is one level, so are two spaces. */
export function indentOf(line: string): number {
  const lead = /^[ \t]*/.exec(line)?.[0] ?? '';
  let tabs = 0;
  let spaces = 0;
  for (const char of lead) {
    if (char === '\t') tabs += 1;
    else spaces += 1;
  }
  return tabs + Math.floor(spaces / 2);
}

/**
 * Parses sibling blocks: lines indented deeper than `parentIndent`, or — inside an XML-ish
 * container — every line up to its closing tag `terminator`.
 */
export function parseBlocks(
  cursor: LineCursor,
  parentIndent: number,
  terminator?: string,
): BlockRequest[] {
  const blocks: BlockRequest[] = [];
  while (cursor.index < cursor.lines.length) {
    const line = cursor.lines[cursor.index] ?? '';
    const content = line.trim();
    if (content === '') {
      cursor.index += 1;
      continue;
    }
    if (terminator !== undefined && content === terminator) {
      cursor.index += 1;
      return blocks;
    }
    const indent = indentOf(line);
    if (terminator === undefined && indent <= parentIndent) return blocks;
    blocks.push(...parseBlock(cursor, indent, content));
  }
  return blocks;
}

function block(type: string, payload: Record<string, unknown>): BlockRequest {
  return { type, [type]: payload };
}

function withChildren(payload: Record<string, unknown>, children: BlockRequest[]) {
  return children.length === 0 ? payload : { ...payload, children };
}

/** Rich text plus the optional `{color="…"}` of a block's first line. */
function textPayload(text: string): Record<string, unknown> {
  const split = splitBlockAttributes(text);
  const payload: Record<string, unknown> = { rich_text: parseRichTextMarkdown(split.text) };
  if (split.attributes.color !== undefined) payload.color = toApiColor(split.attributes.color);
  return payload;
}

function parseBlock(cursor: LineCursor, indent: number, content: string): BlockRequest[] {
  const special = parseSpecialBlock(cursor, indent, content);
  if (special !== undefined) return special;
  cursor.index += 1;
  const children = () => parseBlocks(cursor, indent);
  const simple = (type: string, text: string, extra: Record<string, unknown> = {}) => [
    block(type, withChildren({ ...textPayload(text), ...extra }, children())),
  ];
  const heading = /^(#{1,6}) (.*)$/.exec(content);
  if (heading !== null) return parseHeading(heading[1]?.length ?? 1, heading[2] ?? '', children);
  const todo = /^[-*+] \[([ xX])\](?: (.*))?$/.exec(content);
  if (todo !== null) return simple('to_do', todo[2] ?? '', { checked: todo[1] !== ' ' });
  const bullet = /^[-*+](?: (.*))?$/.exec(content);
  if (bullet !== null) return simple('bulleted_list_item', bullet[1] ?? '');
  const numbered = /^\d+[.)](?: (.*))?$/.exec(content);
  if (numbered !== null) return simple('numbered_list_item', numbered[1] ?? '');
  const quote = /^>(?: ?(.*))$/.exec(content);
  if (quote !== null) return simple('quote', quote[1] ?? '');
  if (/^<empty-block\s*\/>/.test(content)) {
    const rest = content.replace(/^<empty-block\s*\/>/, '');
    return simple('paragraph', rest);
  }
  return simple('paragraph', content);
}

function parseHeading(level: number, text: string, children: () => BlockRequest[]) {
  const split = splitBlockAttributes(text);
  const type = `heading_${Math.min(level, 4)}`;
  const payload: Record<string, unknown> = { rich_text: parseRichTextMarkdown(split.text) };
  if (split.attributes.color !== undefined) payload.color = toApiColor(split.attributes.color);
  const nested = children();
  if (split.attributes.toggle === 'true') {
    payload.is_toggleable = true;
    return [block(type, withChildren(payload, nested))];
  }
  // Headings take no children: indented lines under a plain heading are its siblings.
  return [block(type, payload), ...nested];
}

/** Blocks whose syntax is not a one-line prefix: fences, tags, tables, media, dividers. */
function parseSpecialBlock(
  cursor: LineCursor,
  indent: number,
  content: string,
): BlockRequest[] | undefined {
  if (content.startsWith('```') || content.startsWith('~~~')) return [parseCode(cursor, content)];
  if (content.startsWith('$$')) return [parseEquationBlock(cursor, content)];
  if (/^(-{3,}|\*{3,}|_{3,})$/.test(content)) {
    cursor.index += 1;
    return [block('divider', {}), ...parseBlocks(cursor, indent)];
  }
  if (/^<table[\s>]/.test(content)) return [parseTableHtml(cursor)];
  if (isPipeTableStart(cursor)) return [parsePipeTable(cursor)];
  if (content.startsWith('<')) {
    const tagged = parseTagBlock(cursor, indent, content);
    if (tagged !== undefined) return tagged;
  }
  const image = parseImageLine(content);
  if (image === undefined) return undefined;
  cursor.index += 1;
  return [block('image', image), ...parseBlocks(cursor, indent)];
}

function parseCode(cursor: LineCursor, content: string): BlockRequest {
  const line = cursor.lines[cursor.index] ?? '';
  const prefix = /^[ \t]*/.exec(line)?.[0] ?? '';
  const fenceMatch = /^(`{3,}|~{3,})(.*)$/.exec(content);
  const fence = fenceMatch?.[1] ?? '```';
  cursor.index += 1;
  const body: string[] = [];
  while (cursor.index < cursor.lines.length) {
    const raw = cursor.lines[cursor.index] ?? '';
    cursor.index += 1;
    const trimmed = raw.trim();
    if (trimmed.startsWith(fence) && /^(`+|~+)$/.test(trimmed)) break;
    body.push(raw.startsWith(prefix) ? raw.slice(prefix.length) : raw.trimStart());
  }
  const text = body.join('\n');
  return block('code', {
    rich_text: text === '' ? [] : parseLiteral(text),
    language: parseCodeLanguage(fenceMatch?.[2]?.trim() ?? ''),
  });
}

/** Literal text as rich text, split at Notion's 2,000-character item limit. */
function parseLiteral(text: string): RichTextItem[] {
  const items: RichTextItem[] = [];
  for (let at = 0; at < text.length; at += 2000) {
    items.push({ type: 'text', text: { content: text.slice(at, at + 2000), link: null } });
  }
  return items;
}

function parseEquationBlock(cursor: LineCursor, content: string): BlockRequest {
  cursor.index += 1;
  const oneLine = /^\$\$(.+)\$\$$/.exec(content);
  if (oneLine !== null) return block('equation', { expression: (oneLine[1] ?? '').trim() });
  const body: string[] = [content.slice(2)].filter((part) => part.trim() !== '');
  while (cursor.index < cursor.lines.length) {
    const raw = (cursor.lines[cursor.index] ?? '').trim();
    cursor.index += 1;
    if (raw.endsWith('$$')) {
      if (raw !== '$$') body.push(raw.slice(0, -2));
      break;
    }
    body.push(raw);
  }
  return block('equation', { expression: body.join('\n') });
}

/** `![caption](url) {color="…"}` alone on a line → an image payload. */
function parseImageLine(content: string): Record<string, unknown> | undefined {
  if (!content.startsWith('![')) return undefined;
  const close = content.lastIndexOf('](');
  if (close < 0) return undefined;
  const destination = splitLinkDestination(content, close + 2);
  if (destination === undefined) return undefined;
  const rest = splitBlockAttributes(`x${content.slice(destination.end)}`);
  if (rest.text.trim() !== 'x') return undefined;
  const payload = mediaPayload(destination.url, parseRichTextMarkdown(content.slice(2, close)));
  if (rest.attributes.color !== undefined) payload.color = toApiColor(rest.attributes.color);
  return payload;
}

/** An external file payload (image, video, audio, file, pdf). */
export function mediaPayload(url: string, caption: RichTextItem[]): Record<string, unknown> {
  return { type: 'external', external: { url }, caption };
}
