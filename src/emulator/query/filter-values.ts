import { computeValue } from '../properties/render-value.ts';
import { plainText } from '../rich-text.ts';
import type { JsonObject, JsonValue, PageRecord, PropertySchema } from '../state.ts';
import type { Workspace } from '../workspace.ts';

/** What a filter or sort compares: one normalized value per property type family. */
export type Comparable =
  | { kind: 'text'; value: string }
  | { kind: 'number'; value: number | null }
  | { kind: 'checkbox'; value: boolean }
  | { kind: 'option'; value: string | null }
  | { kind: 'options'; value: string[] }
  | { kind: 'date'; value: DateValue | null }
  | { kind: 'ids'; value: string[] }
  | { kind: 'files'; value: number }
  | { kind: 'rollup'; value: JsonObject }
  | { kind: 'formula'; value: JsonObject }
  | { kind: 'other'; value: JsonValue };

/** A date value with its start pre-parsed (date-only values are UTC midnight). */
export interface DateValue {
  start: string;
  end: string | null;
  startMs: number;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const MINUTE_MS = 60_000;

export function parseDateMs(value: string): number {
  return DATE_ONLY.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
}

function dateValue(start: string, end: string | null): DateValue {
  return { start, end, startMs: parseDateMs(start) };
}

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
            ? dateValue(d.start, typeof d.end === 'string' ? d.end : null)
            : null,
      };
    }
    case 'created_time':
    case 'last_edited_time':
      return {
        kind: 'date',
        value: typeof value === 'string' ? dateValue(value, null) : null,
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

/**
 * A fast reader of one property's comparable value: simple types read the stored value
 * directly (no rendering), computed ones (formula, rollup) go through computeValue.
 */
export function createComparableReader(
  ws: Workspace,
  schema: PropertySchema,
): (page: PageRecord) => Comparable {
  const stored = (page: PageRecord) => page.properties[schema.id];
  const optionNames = new Map(
    ((schema.config.options ?? []) as JsonObject[]).map((o) => [String(o.id), String(o.name)]),
  );
  const idList = (value: JsonValue | undefined): string[] =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  switch (schema.type) {
    case 'title':
    case 'rich_text':
      return (page) => ({ kind: 'text', value: plainText(stored(page) ?? []) });
    case 'url':
    case 'email':
    case 'phone_number':
      return (page) => {
        const v = stored(page);
        return { kind: 'text', value: typeof v === 'string' ? v : '' };
      };
    case 'number':
    case 'unique_id':
      return (page) => {
        const v = stored(page);
        return { kind: 'number', value: typeof v === 'number' ? v : null };
      };
    case 'checkbox':
      return (page) => ({ kind: 'checkbox', value: stored(page) === true });
    case 'select':
    case 'status':
      return (page) => {
        const v = stored(page);
        return {
          kind: 'option',
          value: typeof v === 'string' ? (optionNames.get(v) ?? null) : null,
        };
      };
    case 'multi_select':
      return (page) => ({
        kind: 'options',
        value: idList(stored(page)).flatMap((id) => {
          const name = optionNames.get(id);
          return name === undefined ? [] : [name];
        }),
      });
    case 'date':
      return (page) => toComparable('date', stored(page) ?? null);
    case 'people':
    case 'relation':
      return (page) => ({ kind: 'ids', value: idList(stored(page)) });
    case 'created_by':
      return (page) => ({ kind: 'ids', value: [page.createdBy] });
    case 'last_edited_by':
      return (page) => ({ kind: 'ids', value: [page.lastEditedBy] });
    case 'created_time':
      return (page) => timestampComparable(page, 'created_time');
    case 'last_edited_time':
      return (page) => timestampComparable(page, 'last_edited_time');
    case 'files':
      return (page) => {
        const v = stored(page);
        return { kind: 'files', value: Array.isArray(v) ? v.length : 0 };
      };
    default:
      return (page) =>
        toComparable(schema.type, computeValue(ws, page, schema, { truncate: false }));
  }
}

/** Minute-rounded, as clients see it (so `on_or_after` the last seen minute includes it). */
export function timestampComparable(
  page: PageRecord,
  timestamp: 'created_time' | 'last_edited_time',
): Comparable {
  const ms = timestamp === 'created_time' ? page.createdTime : page.lastEditedTime;
  const startMs = Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  return { kind: 'date', value: { start: '', end: null, startMs } };
}
