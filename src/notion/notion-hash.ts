import { createHash } from 'node:crypto';

const VOLATILE_KEYS = new Set(['request_id', 'expiry_time']);

function stripSignature(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

/**
 * A copy of a Notion value without the parts that change when nothing did: `request_id`, and
 * for Notion-hosted files the signed query string and `expiry_time` of the URL (the path, which
 * names the file, stays).
 */
export function normalizeNotionValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeNotionValue);
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(source)) {
    if (VOLATILE_KEYS.has(key)) continue;
    out[key] = normalizeNotionValue(inner);
  }
  const hosted = out.file as Record<string, unknown> | undefined;
  if (source.type === 'file' && hosted && typeof hosted.url === 'string') {
    out.file = { ...hosted, url: stripSignature(hosted.url) };
  }
  return out;
}

/**
 * sha256 of the normalized value: equal when only volatile parts differ (change detection).
 * The same bytes as `hashValue(normalizeNotionValue(value))` (keys sorted, undefined left out),
 * built in one copy instead of two: every pulled row is hashed.
 */
export function hashNotionValue(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(normalizedSorted(value)))
    .digest('hex');
}

/** {@link normalizeNotionValue} with object keys sorted and undefined values left out. */
function normalizedSorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizedSorted);
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source).sort()) {
    const inner = source[key];
    if (inner !== undefined && !VOLATILE_KEYS.has(key)) out[key] = normalizedSorted(inner);
  }
  const hosted = out.file as Record<string, unknown> | undefined;
  if (source.type === 'file' && hosted && typeof hosted.url === 'string') {
    out.file = { ...hosted, url: stripSignature(hosted.url) };
  }
  return out;
}
