// JSON at the SQL edge: always written as JSON text and read back from text (the PostgreSQL
// dialect returns json/jsonb as text), so both dialects map identically.
import type { JsonValue } from './store-types.ts';

export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function toNullableJsonText(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function fromJsonText<T = JsonValue>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined) return fallback;
  return JSON.parse(text) as T;
}
