// Property values ↔ frontmatter, by property name: numbers, booleans, dates (a plain `start`
// string when it has no end and no time zone), lists, relations as page ids. `notion_id` and
// `notion_url` come first, then the title property, then the others by name — one canonical order.
import { isDeepStrictEqual } from 'node:util';
import { COMPUTED_TYPES } from '../../notion/index.ts';
import type { JsonValue, Source, TargetRecordView } from '../../store/index.ts';
import { notionUrlOf } from './file-names.ts';

export const ID_KEY = 'notion_id';
export const URL_KEY = 'notion_url';

type SchemaProperty = Source['schema']['properties'][string];

/** The source's properties in frontmatter order: title first, then by name. */
export function orderedProperties(source: Source): SchemaProperty[] {
  return Object.values(source.schema.properties).sort((a, b) => {
    if ((a.type === 'title') !== (b.type === 'title')) return a.type === 'title' ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

function isPlainDate(
  value: JsonValue,
): value is { start: string; end: JsonValue; timeZone: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'start' in value;
}

/** A store value as the frontmatter shows it. */
export function toFrontmatterValue(type: string, value: JsonValue | undefined): JsonValue {
  if (value === undefined) return type === 'checkbox' ? false : null;
  if (type === 'date' && isPlainDate(value)) {
    if (value.end === null && value.timeZone === null) return value.start;
    return { start: value.start, end: value.end, time_zone: value.timeZone };
  }
  return value;
}

/** A frontmatter value as the store keeps it (the inverse of `toFrontmatterValue`). */
export function fromFrontmatterValue(type: string, value: JsonValue): JsonValue {
  if (type === 'date' && typeof value === 'string')
    return { start: value, end: null, timeZone: null };
  if (type === 'date' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const date = value as Record<string, JsonValue>;
    return { start: date.start ?? null, end: date.end ?? null, timeZone: date.time_zone ?? null };
  }
  return value;
}

/** The frontmatter of a record: ids, then its properties by name. */
export function frontmatterOf(source: Source, view: TargetRecordView): Record<string, JsonValue> {
  const pageId = view.record.pageId;
  const data: Record<string, JsonValue> = {};
  if (pageId) {
    data[ID_KEY] = pageId;
    data[URL_KEY] = notionUrlOf(pageId);
  }
  for (const property of orderedProperties(source))
    data[property.name] = toFrontmatterValue(property.type, view.fields[property.id]);
  return data;
}

/** The title of a record (its title property's value). */
export function titleOf(source: Source, fields: Record<string, JsonValue>): string {
  const title = Object.values(source.schema.properties).find((p) => p.type === 'title');
  const value = title ? fields[title.id] : null;
  return typeof value === 'string' ? value : '';
}

/** Frontmatter values of writable properties that differ from `fields`, by property id. */
export function writableEdits(
  source: Source,
  data: Record<string, JsonValue>,
  fields: Record<string, JsonValue>,
): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  for (const property of Object.values(source.schema.properties)) {
    if (COMPUTED_TYPES.has(property.type) || !Object.hasOwn(data, property.name)) continue;
    const value = fromFrontmatterValue(property.type, data[property.name] ?? null);
    const stored = fields[property.id] ?? (property.type === 'checkbox' ? false : null);
    if (!isDeepStrictEqual(value, stored)) values[property.id] = value;
  }
  return values;
}
