// Test helpers for the Markdown converter: turn block requests into response-shaped blocks
// (as the block endpoints would return them) and bring block requests to a canonical form so
// that two spellings of the same content compare equal.

import type { BlockRequest, MarkdownBlock, RichTextItem } from './markdown.ts';

const DEFAULT_ANNOTATIONS = {
  bold: false,
  italic: false,
  strikethrough: false,
  underline: false,
  code: false,
  color: 'default',
};

/** A response-shaped rich-text item (annotations, plain_text and href filled in). */
export function toResponseRichText(item: RichTextItem): RichTextItem {
  const annotations = { ...DEFAULT_ANNOTATIONS, ...item.annotations };
  if (item.equation !== undefined) {
    const expression = item.equation.expression;
    return {
      type: 'equation',
      equation: { expression },
      annotations,
      plain_text: expression,
      href: null,
    };
  }
  if (item.mention !== undefined) {
    return { type: 'mention', mention: item.mention, annotations, plain_text: '', href: null };
  }
  const content = item.text?.content ?? '';
  const link = item.text?.link ?? null;
  return {
    type: 'text',
    text: { content, link },
    annotations,
    plain_text: content,
    href: link?.url ?? null,
  };
}

function mapRichTextFields(
  payload: Record<string, unknown>,
  map: (items: RichTextItem[]) => unknown,
) {
  const out: Record<string, unknown> = { ...payload };
  for (const key of ['rich_text', 'caption']) {
    if (Array.isArray(out[key])) out[key] = map(out[key] as RichTextItem[]);
  }
  if (Array.isArray(out.cells)) out.cells = (out.cells as RichTextItem[][]).map(map);
  return out;
}

/**
 * Response-shaped blocks for block requests: children lifted out of `<type>.children`, ids
 * assigned in document order (child_page / child_database references keep their own id).
 */
export function toResponseBlocks(
  requests: readonly BlockRequest[],
  counter = { next: 1 },
): MarkdownBlock[] {
  return requests.map((request) => {
    const payload = { ...(request[request.type] as Record<string, unknown>) };
    const children = payload.children as BlockRequest[] | undefined;
    delete payload.children;
    const sequence = String(counter.next++).padStart(12, '0');
    let id = `b10c0000-0000-4000-8000-${sequence}`;
    if (typeof payload.id === 'string') {
      id = payload.id;
      delete payload.id;
    }
    const block: MarkdownBlock = {
      object: 'block',
      id,
      type: request.type,
      [request.type]: mapRichTextFields(payload, (items) => items.map(toResponseRichText)),
      has_children: children !== undefined && children.length > 0,
    };
    if (children !== undefined) block.children = toResponseBlocks(children, counter);
    return block;
  });
}

function styleKey(item: RichTextItem): string {
  return JSON.stringify({
    ...DEFAULT_ANNOTATIONS,
    ...item.annotations,
    link: item.text?.link?.url ?? null,
  });
}

/** Canonical rich text: adjacent text items with equal styles merged, defaults filled. */
export function canonicalRichText(items: readonly RichTextItem[]): unknown[] {
  const out: { key: string; value: unknown; text?: string }[] = [];
  for (const item of items) {
    const key = styleKey(item);
    if (item.text !== undefined && item.mention === undefined && item.equation === undefined) {
      const last = out.at(-1);
      if (last?.text !== undefined && last.key === key) last.text += item.text.content;
      else out.push({ key, value: null, text: item.text.content });
    } else {
      out.push({ key, value: item.mention ?? item.equation });
    }
  }
  return out
    .filter((entry) => entry.text !== '')
    .map((entry) => [entry.key, entry.value ?? entry.text]);
}

/** Canonical block requests: rich text canonicalised, empty children and defaults dropped. */
export function canonicalBlocks(blocks: readonly BlockRequest[]): unknown[] {
  return blocks.map((block) => {
    const payload = mapRichTextFields(
      { ...(block[block.type] as Record<string, unknown>) },
      canonicalRichText,
    );
    if (Array.isArray(payload.children)) {
      const children = canonicalBlocks(payload.children as BlockRequest[]);
      if (children.length === 0) delete payload.children;
      else payload.children = children;
    }
    if (payload.color === 'default') delete payload.color;
    if (payload.is_toggleable === false) delete payload.is_toggleable;
    return { type: block.type, [block.type]: payload };
  });
}

/** A plain or annotated text rich-text request item. */
export const text = (
  content: string,
  annotations: RichTextItem['annotations'] = {},
): RichTextItem => ({
  type: 'text',
  text: { content, link: null },
  annotations,
});
/** `{ rich_text: items }`. */
export const rich = (...items: RichTextItem[]) => ({ rich_text: items });
/** A block request `{ type, [type]: payload }`. */
export const block = (type: string, payload: Record<string, unknown>): BlockRequest => ({
  type,
  [type]: payload,
});
