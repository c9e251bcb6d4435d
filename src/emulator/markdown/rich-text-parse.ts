// Enhanced-markdown inline text → rich-text request items. Lenient: anything that does not
// form a complete construct (an unmatched `*`, a `[` without `](url)`) stays literal text.

import type { Annotations, MentionValue, RichTextItem } from './markdown.ts';
import {
  idFromUrl,
  isEscapable,
  parseAttributes,
  splitLinkDestination,
  toApiColor,
} from './markdown-syntax.ts';

/** Longest `text.content` Notion accepts in one rich-text item. */
const MAX_TEXT_LENGTH = 2000;

type Style = Omit<Annotations, 'code'>;
type Frame =
  | { kind: 'bold' | 'italic' | 'strikethrough' }
  | { kind: 'span'; underline: boolean; color: string | undefined };

const PLAIN: Style = {
  bold: false,
  italic: false,
  strikethrough: false,
  underline: false,
  color: 'default',
};

/** Parses enhanced-markdown inline text into rich-text request items. */
export function parseRichTextMarkdown(source: string): RichTextItem[] {
  const items: RichTextItem[] = [];
  parseInline(source, PLAIN, null, items);
  return splitLongText(mergeText(items));
}

interface InlineState {
  src: string;
  base: Style;
  link: string | null;
  out: RichTextItem[];
  stack: Frame[];
  buffer: string;
}

function parseInline(src: string, base: Style, link: string | null, out: RichTextItem[]): void {
  const state: InlineState = { src, base, link, out, stack: [], buffer: '' };
  let i = 0;
  while (i < src.length) {
    const next = parseConstruct(state, i);
    if (next > i) {
      i = next;
      continue;
    }
    state.buffer += src[i];
    i += 1;
  }
  flush(state);
}

/** Tries every construct at `i`; returns the index after it, or `i` when none applies. */
function parseConstruct(state: InlineState, i: number): number {
  const c = state.src[i];
  if (c === '\\' && isEscapable(state.src[i + 1])) {
    state.buffer += state.src[i + 1];
    return i + 2;
  }
  if (c === '<') return parseTag(state, i);
  if (c === '`') return parseCodeSpan(state, i);
  if (c === '$') return parseEquation(state, i);
  if (c === '[') return parseLink(state, i);
  if (c === '*') return parseStars(state, i);
  if (c === '~' && state.src[i + 1] === '~') return parseTildes(state, i);
  return i;
}

function currentStyle(state: InlineState): Style {
  const style = { ...state.base };
  for (const frame of state.stack) {
    if (frame.kind === 'span') {
      if (frame.underline) style.underline = true;
      if (frame.color !== undefined) style.color = frame.color;
    } else {
      style[frame.kind] = true;
    }
  }
  return style;
}

function annotationsFor(style: Style, code: boolean): Partial<Annotations> | undefined {
  const annotations = { ...style, code };
  const plain = Object.entries(annotations).every(([key, value]) =>
    key === 'color' ? value === 'default' : value === false,
  );
  return plain ? undefined : annotations;
}

function pushItem(state: InlineState, item: RichTextItem, code = false): void {
  flush(state);
  const annotations = annotationsFor(currentStyle(state), code);
  state.out.push(annotations === undefined ? item : { ...item, annotations });
}

function flush(state: InlineState): void {
  if (state.buffer === '') return;
  const content = state.buffer;
  state.buffer = '';
  const annotations = annotationsFor(currentStyle(state), false);
  const item: RichTextItem = {
    type: 'text',
    text: { content, link: state.link === null ? null : { url: state.link } },
  };
  state.out.push(annotations === undefined ? item : { ...item, annotations });
}

const BREAK = /^<br\s*\/?>/i;
const SPAN_OPEN = /^<span((?:\s+[\w-]+\s*=\s*"[^"]*")*)\s*>/;
const MENTION = /^<mention-([a-z-]+)((?:\s+[\w-]+\s*=\s*"[^"]*")*)\s*(\/>|>)/;

function parseTag(state: InlineState, i: number): number {
  const rest = state.src.slice(i);
  const lineBreak = BREAK.exec(rest);
  if (lineBreak !== null) {
    state.buffer += '\n';
    return i + lineBreak[0].length;
  }
  const span = SPAN_OPEN.exec(rest);
  if (span !== null) {
    flush(state);
    const attributes = parseAttributes(span[1] ?? '');
    const color = attributes.color === undefined ? undefined : toApiColor(attributes.color);
    state.stack.push({ kind: 'span', underline: attributes.underline === 'true', color });
    return i + span[0].length;
  }
  if (rest.startsWith('</span>')) {
    const index = state.stack.findLastIndex((frame) => frame.kind === 'span');
    if (index < 0) return i;
    flush(state);
    state.stack.splice(index, 1);
    return i + '</span>'.length;
  }
  const mention = MENTION.exec(rest);
  if (mention === null) return i;
  let end = i + mention[0].length;
  if (mention[3] === '>') {
    const close = `</mention-${mention[1]}>`;
    const closeAt = state.src.indexOf(close, end);
    if (closeAt < 0) return i;
    end = closeAt + close.length;
  }
  const value = mentionValue(mention[1] ?? '', parseAttributes(mention[2] ?? ''));
  if (value === undefined) return i;
  pushItem(state, { type: 'mention', mention: value });
  return end;
}

function mentionValue(kind: string, attributes: Record<string, string>): MentionValue | undefined {
  if (kind === 'date') {
    if (attributes.start === undefined) return undefined;
    const withTime = (day: string, time: string | undefined) =>
      time === undefined ? day : `${day}T${time}:00.000${attributes.timeZone ? '' : 'Z'}`;
    const date: NonNullable<MentionValue['date']> = {
      start: withTime(attributes.start, attributes.startTime),
    };
    if (attributes.end !== undefined) date.end = withTime(attributes.end, attributes.endTime);
    if (attributes.timeZone !== undefined) date.time_zone = attributes.timeZone;
    return { type: 'date', date };
  }
  const id = idFromUrl(attributes.url ?? '');
  if (id === undefined) return undefined;
  switch (kind) {
    case 'user':
      return { type: 'user', user: { id } };
    case 'page':
      return { type: 'page', page: { id } };
    case 'database':
      return { type: 'database', database: { id } };
    case 'data-source':
      return { type: 'data_source', data_source: { id } };
    default:
      return undefined;
  }
}

/** Index after the code span opening at `i`, or after its backtick run when it is not closed. */
function codeSpanEnd(src: string, i: number): number {
  let n = 0;
  while (src[i + n] === '`') n += 1;
  let search = i + n;
  while (true) {
    const at = src.indexOf('`'.repeat(n), search);
    if (at < 0) return i + n;
    let runEnd = at;
    while (src[runEnd] === '`') runEnd += 1;
    if (runEnd - at === n) return runEnd;
    search = runEnd;
  }
}

function parseCodeSpan(state: InlineState, i: number): number {
  const src = state.src;
  let n = 0;
  while (src[i + n] === '`') n += 1;
  const end = codeSpanEnd(src, i);
  if (end === i + n) {
    state.buffer += src.slice(i, end);
    return end;
  }
  let content = src.slice(i + n, end - n).replace(/<br\s*\/?>/gi, '\n');
  if (/^ .*[^ ].* $/s.test(content)) content = content.slice(1, -1);
  pushItem(state, { type: 'text', text: { content, link: linkOf(state) } }, true);
  return end;
}

function linkOf(state: InlineState): { url: string } | null {
  return state.link === null ? null : { url: state.link };
}

function parseEquation(state: InlineState, i: number): number {
  const src = state.src;
  let j = i + 1;
  while (j < src.length && !(src[j] === '$' && src[j - 1] !== '\\')) j += 1;
  if (j >= src.length || j === i + 1) return i;
  const expression = src.slice(i + 1, j).replaceAll('\\$', '$');
  pushItem(state, { type: 'equation', equation: { expression } });
  return j + 1;
}

function parseLink(state: InlineState, i: number): number {
  const src = state.src;
  if (src[i + 1] === '^') return i;
  let depth = 0;
  let k = i;
  for (; k < src.length; k += 1) {
    if (src[k] === '\\') k += 1;
    else if (src[k] === '`') k = codeSpanEnd(src, k) - 1;
    else if (src[k] === '[') depth += 1;
    else if (src[k] === ']' && --depth === 0) break;
  }
  if (k >= src.length || src[k + 1] !== '(') return i;
  const destination = splitLinkDestination(src, k + 2);
  if (destination === undefined) return i;
  flush(state);
  parseInline(src.slice(i + 1, k), currentStyle(state), destination.url, state.out);
  return destination.end;
}

function isSpace(char: string | undefined): boolean {
  return char === undefined || /\s/.test(char);
}

function parseStars(state: InlineState, i: number): number {
  const src = state.src;
  let n = 0;
  while (src[i + n] === '*') n += 1;
  const canClose = !isSpace(src[i - 1]);
  const canOpen = !isSpace(src[i + n]);
  flush(state);
  let left = n;
  while (left > 0 && canClose) {
    const top = state.stack.at(-1);
    if (top?.kind === 'italic') left -= 1;
    else if (top?.kind === 'bold' && left >= 2) left -= 2;
    else break;
    state.stack.pop();
  }
  if (left > 0 && canOpen && hasLaterCloser(src, i + n, '*')) {
    if (left >= 2) {
      state.stack.push({ kind: 'bold' });
      left -= 2;
    }
    if (left >= 1) {
      state.stack.push({ kind: 'italic' });
      left -= 1;
    }
  }
  state.buffer += '*'.repeat(left);
  return i + n;
}

function parseTildes(state: InlineState, i: number): number {
  const src = state.src;
  const top = state.stack.at(-1);
  flush(state);
  if (top?.kind === 'strikethrough' && !isSpace(src[i - 1])) {
    state.stack.pop();
    return i + 2;
  }
  if (!isSpace(src[i + 2]) && hasLaterCloser(src, i + 2, '~~')) {
    state.stack.push({ kind: 'strikethrough' });
    return i + 2;
  }
  state.buffer += '~~';
  return i + 2;
}

/** Whether an unescaped `marker` preceded by non-whitespace follows `from`. */
function hasLaterCloser(src: string, from: number, marker: string): boolean {
  for (let j = from; j < src.length; j += 1) {
    if (src[j] === '\\') j += 1;
    else if (src.startsWith(marker, j) && !isSpace(src[j - 1])) return true;
  }
  return false;
}

function sameFormat(a: RichTextItem, b: RichTextItem): boolean {
  return (
    JSON.stringify(a.annotations ?? null) === JSON.stringify(b.annotations ?? null) &&
    (a.text?.link?.url ?? null) === (b.text?.link?.url ?? null)
  );
}

function mergeText(items: RichTextItem[]): RichTextItem[] {
  const merged: RichTextItem[] = [];
  for (const item of items) {
    const last = merged.at(-1);
    if (last?.text !== undefined && item.text !== undefined && sameFormat(last, item)) {
      last.text = { ...last.text, content: last.text.content + item.text.content };
    } else {
      merged.push(item);
    }
  }
  return merged;
}

function splitLongText(items: RichTextItem[]): RichTextItem[] {
  return items.flatMap((item) => {
    const content = item.text?.content;
    if (item.text === undefined || content === undefined || content.length <= MAX_TEXT_LENGTH) {
      return [item];
    }
    const parts: RichTextItem[] = [];
    for (let at = 0; at < content.length; at += MAX_TEXT_LENGTH) {
      parts.push({
        ...item,
        text: { ...item.text, content: content.slice(at, at + MAX_TEXT_LENGTH) },
      });
    }
    return parts;
  });
}
