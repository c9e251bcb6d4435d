import { bodyValidationError, tooLong } from './errors.ts';
import { normalizeId } from './ids.ts';
import type { JsonObject, JsonValue } from './state.ts';

export const MAX_TEXT_LENGTH = 2000;
export const MAX_RICH_TEXT_ITEMS = 100;
export const MAX_EQUATION_LENGTH = 1000;

const COLORS = [
  'default',
  'gray',
  'brown',
  'orange',
  'yellow',
  'green',
  'blue',
  'purple',
  'pink',
  'red',
];
export const TEXT_COLORS: ReadonlySet<string> = new Set([
  ...COLORS,
  ...COLORS.slice(1).map((c) => `${c}_background`),
]);

/** Names for mention `plain_text`; the workspace provides them. */
export interface MentionResolver {
  userName(id: string): string | undefined;
  pageTitle(id: string): string | undefined;
  pageUrl(id: string): string | undefined;
  /** The hosted `file` object for an uploaded file (`{type:"file_upload", file_upload:{id}}`). */
  hostedFile(uploadId: unknown, path: string): JsonObject;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function annotationsOf(input: unknown, path: string): JsonObject {
  const a = isObject(input) ? input : {};
  const color = a.color ?? 'default';
  if (typeof color !== 'string' || !TEXT_COLORS.has(color)) {
    throw bodyValidationError(`${path}.annotations.color`, 'should be a valid color');
  }
  return {
    bold: a.bold === true,
    italic: a.italic === true,
    strikethrough: a.strikethrough === true,
    underline: a.underline === true,
    code: a.code === true,
    color,
  };
}

function textItem(input: Record<string, unknown>, path: string): JsonObject {
  const text = input.text;
  if (!isObject(text) || typeof text.content !== 'string') {
    throw bodyValidationError(`${path}.text.content`, 'should be defined, instead was `undefined`');
  }
  if (text.content.length > MAX_TEXT_LENGTH) {
    throw tooLong(`${path}.text.content`, MAX_TEXT_LENGTH, text.content.length);
  }
  let link: JsonValue = null;
  if (isObject(text.link)) {
    const url = text.link.url;
    if (typeof url !== 'string')
      throw bodyValidationError(`${path}.text.link.url`, 'should be a string');
    if (url.length > MAX_TEXT_LENGTH)
      throw tooLong(`${path}.text.link.url`, MAX_TEXT_LENGTH, url.length);
    link = { url };
  }
  return {
    type: 'text',
    text: { content: text.content, link },
    annotations: annotationsOf(input.annotations, path),
    plain_text: text.content,
    href: link === null ? null : (link as { url: string }).url,
  };
}

function equationItem(input: Record<string, unknown>, path: string): JsonObject {
  const eq = input.equation;
  if (!isObject(eq) || typeof eq.expression !== 'string') {
    throw bodyValidationError(`${path}.equation.expression`, 'should be a string');
  }
  if (eq.expression.length > MAX_EQUATION_LENGTH) {
    throw tooLong(`${path}.equation.expression`, MAX_EQUATION_LENGTH, eq.expression.length);
  }
  return {
    type: 'equation',
    equation: { expression: eq.expression },
    annotations: annotationsOf(input.annotations, path),
    plain_text: eq.expression,
    href: null,
  };
}

function mentionItem(
  input: Record<string, unknown>,
  path: string,
  resolver: MentionResolver,
): JsonObject {
  const m = input.mention;
  if (!isObject(m)) throw bodyValidationError(`${path}.mention`, 'should be an object');
  const annotations = annotationsOf(input.annotations, path);
  const idOf = (key: string): string => {
    const target = m[key];
    const id = isObject(target) ? normalizeId(target.id) : undefined;
    if (!id) throw bodyValidationError(`${path}.mention.${key}.id`, 'should be a valid uuid');
    return id;
  };
  if (isObject(m.user)) {
    const id = idOf('user');
    return {
      type: 'mention',
      mention: { type: 'user', user: { object: 'user', id } },
      annotations,
      plain_text: `@${resolver.userName(id) ?? 'Unknown'}`,
      href: null,
    };
  }
  if (isObject(m.page) || isObject(m.database)) {
    const kind = isObject(m.page) ? 'page' : 'database';
    const id = idOf(kind);
    return {
      type: 'mention',
      mention: { type: kind, [kind]: { id } },
      annotations,
      plain_text: resolver.pageTitle(id) ?? 'Untitled',
      href: resolver.pageUrl(id) ?? `https://www.notion.so/${id.replaceAll('-', '')}`,
    };
  }
  if (isObject(m.date)) {
    const start = m.date.start;
    if (typeof start !== 'string')
      throw bodyValidationError(`${path}.mention.date.start`, 'should be a string');
    const end = typeof m.date.end === 'string' ? m.date.end : null;
    return {
      type: 'mention',
      mention: { type: 'date', date: { start, end, time_zone: null } },
      annotations,
      plain_text: end ? `${start} → ${end}` : start,
      href: null,
    };
  }
  if (isObject(m.link_preview) && typeof m.link_preview.url === 'string') {
    const url = m.link_preview.url;
    return {
      type: 'mention',
      mention: { type: 'link_preview', link_preview: { url } },
      annotations,
      plain_text: url,
      href: url,
    };
  }
  throw bodyValidationError(`${path}.mention`, 'should be a supported mention type');
}

/** Validates a request rich-text array (limits of notion-api.md §5.2) into response form. */
export function parseRichText(
  input: unknown,
  path: string,
  resolver: MentionResolver,
): JsonObject[] {
  if (!Array.isArray(input)) throw bodyValidationError(path, 'should be an array');
  if (input.length > MAX_RICH_TEXT_ITEMS) throw tooLong(path, MAX_RICH_TEXT_ITEMS, input.length);
  return input.map((item, index) => {
    const itemPath = `${path}[${index}]`;
    if (!isObject(item)) throw bodyValidationError(itemPath, 'should be an object');
    if (item.type === 'mention' || (item.type === undefined && 'mention' in item)) {
      return mentionItem(item, itemPath, resolver);
    }
    if (item.type === 'equation' || (item.type === undefined && 'equation' in item)) {
      return equationItem(item, itemPath);
    }
    return textItem(item, itemPath);
  });
}

/** Plain text of a stored rich-text array. */
export function plainText(items: readonly JsonValue[] | JsonValue): string {
  if (!Array.isArray(items)) return '';
  let out = '';
  for (const item of items) {
    if (isObject(item) && typeof item.plain_text === 'string') out += item.plain_text;
  }
  return out;
}

/** Rich text for a plain string (used for titles given as strings and for rendering). */
export function textToRichText(content: string): JsonObject[] {
  if (content === '') return [];
  return [
    {
      type: 'text',
      text: { content, link: null },
      annotations: annotationsOf(undefined, ''),
      plain_text: content,
      href: null,
    },
  ];
}
