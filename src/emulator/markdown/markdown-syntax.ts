// Small pieces of Notion-flavoured ("enhanced") Markdown syntax shared by the renderer and the
// parser: escaping, block attribute lists, XML-ish tag attributes, colours and Notion URLs.

/** Characters the enhanced-markdown reference says to backslash-escape outside code. */
const ESCAPED_CHARACTERS = new Set([
  '\\',
  '*',
  '~',
  '`',
  '$',
  '[',
  ']',
  '<',
  '>',
  '{',
  '}',
  '|',
  '^',
]);

/** Escapes rich-text content so that it reads back as literal text. */
export function escapeMarkdownText(text: string): string {
  let out = '';
  for (const char of text) out += ESCAPED_CHARACTERS.has(char) ? `\\${char}` : char;
  return out;
}

/** True when `char` may follow a backslash as an escape (any ASCII punctuation, as CommonMark). */
export function isEscapable(char: string | undefined): boolean {
  return char !== undefined && /^[!-/:-@[-`{-~]$/.test(char);
}

/** Notion API colour (`red`, `red_background`) → Markdown colour (`red`, `red_bg`). */
export function toMarkdownColor(apiColor: string): string {
  return apiColor.endsWith('_background')
    ? `${apiColor.slice(0, -'_background'.length)}_bg`
    : apiColor;
}

/** Markdown colour (`red_bg`, also accepts `red_background`) → Notion API colour. */
export function toApiColor(markdownColor: string): string {
  return markdownColor.endsWith('_bg')
    ? `${markdownColor.slice(0, -'_bg'.length)}_background`
    : markdownColor;
}

/** Escapes a value for use inside a double-quoted tag attribute. */
export function escapeAttribute(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\n', '&#10;');
}

/** Reverses {@link escapeAttribute}. */
export function unescapeAttribute(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&#10;', '\n')
    .replaceAll('&amp;', '&');
}

/** Renders `key="value"` pairs, skipping undefined values; leading space included when non-empty. */
export function renderAttributes(attributes: Record<string, string | undefined>): string {
  let out = '';
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) out += ` ${key}="${escapeAttribute(value)}"`;
  }
  return out;
}

const ATTRIBUTE_PATTERN = /([A-Za-z_][\w-]*)\s*=\s*"([^"]*)"/g;

/** Parses `key="value"` pairs of a tag or attribute list. */
export function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(ATTRIBUTE_PATTERN)) {
    attributes[match[1] ?? ''] = unescapeAttribute(match[2] ?? '');
  }
  return attributes;
}

/** A block's trailing `{color="…" toggle="true"}` list, or '' when there is nothing to say. */
export function renderBlockAttributes(attributes: Record<string, string | undefined>): string {
  const rendered = renderAttributes(attributes);
  return rendered === '' ? '' : ` {${rendered.slice(1)}}`;
}

const TRAILING_ATTRIBUTES = /(^|[^\\])\s*\{((?:\s*[A-Za-z_][\w-]*\s*=\s*"[^"]*")+)\s*\}\s*$/;

/** Splits a trailing, unescaped `{key="value" …}` list off a block's first line. */
export function splitBlockAttributes(line: string): {
  text: string;
  attributes: Record<string, string>;
} {
  const match = TRAILING_ATTRIBUTES.exec(line);
  if (match === null) return { text: line, attributes: {} };
  const text = line.slice(0, match.index + (match[1] ?? '').length).replace(/[ \t]+$/, '');
  return { text, attributes: parseAttributes(match[2] ?? '') };
}

const UUID_HEX = /[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Dashed form of a 32-hex-digit id. */
export function dashId(id: string): string {
  const hex = id.replaceAll('-', '').toLowerCase();
  if (hex.length !== 32) return id;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The last Notion id inside a URL (`…/p/Title-<id>`, `…/p/<page>#<block>`, `user://<id>`). */
export function idFromUrl(url: string): string | undefined {
  const matches = [...url.matchAll(UUID_HEX)];
  const last = matches.at(-1);
  return last === undefined ? undefined : dashId(last[0]);
}

/** The URL the enhanced-markdown output uses for a page, database or block. */
export function notionUrl(id: string, blockId?: string): string {
  const base = `https://app.notion.com/p/${id.replaceAll('-', '')}`;
  return blockId === undefined ? base : `${base}#${blockId.replaceAll('-', '')}`;
}

/** The URL form used for user mentions. */
export function userUrl(id: string): string {
  return `user://${id}`;
}

/** A link or image destination: `<…>` when it holds spaces, parentheses or angle brackets. */
export function renderLinkDestination(url: string): string {
  return /[\s()<>]/.test(url) ? `<${url.replaceAll('>', '%3E')}>` : url;
}

/**
 * Reads a link destination starting at `start` (just after `](`) up to its closing `)`.
 * Returns the URL and the index after the `)`, or undefined when it is not closed.
 */
export function splitLinkDestination(
  source: string,
  start: number,
): { url: string; end: number } | undefined {
  if (source[start] === '<') {
    const close = source.indexOf('>', start);
    if (close < 0 || source[close + 1] !== ')') return undefined;
    return { url: source.slice(start + 1, close), end: close + 2 };
  }
  const close = source.indexOf(')', start);
  if (close < 0) return undefined;
  return { url: source.slice(start, close).trim(), end: close + 1 };
}
