import { computeValue } from '../properties/render-value.ts';
import { plainText } from '../rich-text.ts';
import type { JsonObject, JsonValue, PageRecord, PropertySchema } from '../state.ts';
import { formatMinuteTime } from '../time.ts';
import type { Workspace } from '../workspace.ts';

/** What a filter or sort compares: one normalized value per property type family. */
export type Comparable =
  | { kind: 'text'; value: string }
  | { kind: 'number'; value: number | null }
  | { kind: 'checkbox'; value: boolean }
  | { kind: 'option'; value: string | null }
  | { kind: 'options'; value: string[] }
  | { kind: 'date'; value: { start: string; end: string | null } | null }
  | { kind: 'ids'; value: string[] }
  | { kind: 'files'; value: number }
  | { kind: 'rollup'; value: JsonObject }
  | { kind: 'formula'; value: JsonObject }
  | { kind: 'other'; value: JsonValue };

function ids(value: JsonValue): string[] {
  return Array.isArray(value) ? value.map((v) => String((v as JsonObject).id)) : [];
}

/** Converts a computed value of `type` into its comparable form. */
export function toComparable(type: string, value: JsonValue): Comparable {
  switch (type) {
    case 'title':
    case 'rich_text':
      return { kind: 'text', value: plainText(value) };
    case 'url':
    case 'email':
    case 'phone_number':
      return { kind: 'text', value: typeof value === 'string' ? value : '' };
    case 'number':
      return { kind: 'number', value: typeof value === 'number' ? value : null };
    case 'unique_id':
      return {
        kind: 'number',
        value: ((value as JsonObject | null)?.number as number | null | undefined) ?? null,
      };
    case 'checkbox':
      return { kind: 'checkbox', value: value === true };
    case 'select':
    case 'status':
      return { kind: 'option', value: value === null ? null : String((value as JsonObject).name) };
    case 'multi_select':
      return {
        kind: 'options',
        value: Array.isArray(value) ? value.map((o) => String((o as JsonObject).name)) : [],
      };
    case 'date': {
      const d = value as JsonObject | null;
      return {
        kind: 'date',
        value:
          d && typeof d.start === 'string'
            ? { start: d.start, end: typeof d.end === 'string' ? d.end : null }
            : null,
      };
    }
    case 'created_time':
    case 'last_edited_time':
      return {
        kind: 'date',
        value: typeof value === 'string' ? { start: value, end: null } : null,
      };
    case 'people':
    case 'relation':
      return { kind: 'ids', value: ids(value) };
    case 'created_by':
    case 'last_edited_by':
      return { kind: 'ids', value: value === null ? [] : [String((value as JsonObject).id)] };
    case 'files':
      return { kind: 'files', value: Array.isArray(value) ? value.length : 0 };
    case 'rollup':
      return { kind: 'rollup', value: value as JsonObject };
    case 'formula':
      return { kind: 'formula', value: value as JsonObject };
    default:
      return { kind: 'other', value };
  }
}

export function propertyComparable(
  ws: Workspace,
  page: PageRecord,
  schema: PropertySchema,
): Comparable {
  return toComparable(schema.type, computeValue(ws, page, schema, { truncate: false }));
}

export function timestampComparable(
  page: PageRecord,
  timestamp: 'created_time' | 'last_edited_time',
): Comparable {
  const ms = timestamp === 'created_time' ? page.createdTime : page.lastEditedTime;
  return { kind: 'date', value: { start: formatMinuteTime(ms), end: null } };
}
