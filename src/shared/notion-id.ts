const HEX32 = /([0-9a-f]{32})$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Formats 32 hex digits as a dashed, lower-case UUID, the form Notion responds with. */
export function formatNotionId(hex32: string): string {
  const h = hex32.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Reads a Notion id from what users paste: a dashed or undashed UUID, or a notion.so /
 * notion.site / app.notion.com URL whose last path segment ends with the id (the `?v=` view id
 * of a database URL is ignored). Returns the dashed id, or undefined when there is none.
 */
export function parseNotionId(input: string): string | undefined {
  const text = input.trim();
  if (DASHED.test(text)) return text.toLowerCase();
  if (/^[0-9a-f]{32}$/i.test(text)) return formatNotionId(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const last = url.pathname.split('/').filter(Boolean).at(-1) ?? '';
  const plain = last.replaceAll('-', '');
  const match = HEX32.exec(plain);
  return match?.[1] ? formatNotionId(match[1]) : undefined;
}

export function isNotionId(input: string): boolean {
  return parseNotionId(input) !== undefined;
}
