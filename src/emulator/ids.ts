import { randomBytes, randomUUID } from 'node:crypto';

const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLAIN = /^[0-9a-f]{32}$/i;

/** A new object id in Notion's dashed form. */
export function newId(): string {
  return randomUUID();
}

/** A new integration token: `ntn_` and 46 random base62-ish characters, like Notion's. */
export function newToken(): string {
  return `ntn_${randomBytes(34).toString('base64url').replace(/[-_]/g, 'x').slice(0, 46)}`;
}

/** A short property id like Notion's (4 url-safe characters); `taken` avoids collisions. */
export function newPropertyId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = randomBytes(3).toString('base64url').slice(0, 4);
    if (!taken.has(id) && id !== 'title') return id;
  }
}

/** The dashed, lower-case form of a UUID given with or without dashes; undefined if not one. */
export function normalizeId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (DASHED.test(value)) return value.toLowerCase();
  if (PLAIN.test(value)) {
    const h = value.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return undefined;
}
