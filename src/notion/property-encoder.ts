import { NotionSyncError } from '../errors.ts';
import { findClosest, parseNotionId } from '../shared/index.ts';
import {
  COMPUTED_TYPES,
  type PlainDate,
  type PlainFile,
  type PlainValue,
} from './property-decoder.ts';
import { textToRichTextRequest } from './rich-text.ts';

/** A data source schema entry (`data_source.properties[name]`), loosely typed. */
export interface PropertySchema {
  id: string;
  name: string;
  type: string;
  [config: string]: unknown;
}

/** Notion's per-write caps (notion-api.md §5.2). */
export const MAX_REFERENCES_PER_WRITE = 100;
const MAX_URL_CHARS = 2000;
const MAX_EMAIL_PHONE_CHARS = 200;

function invalid(
  schema: PropertySchema,
  problem: string,
  fix: string,
  details: Record<string, unknown> = {},
) {
  return new NotionSyncError(
    'value_invalid',
    `Property "${schema.name}" (${schema.type}): ${problem}. ${fix}`,
    {
      details: { property: schema.name, type: schema.type, ...details },
    },
  );
}

function expectString(schema: PropertySchema, value: PlainValue, nullable: boolean): string | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'string')
    throw invalid(schema, `expected text, got ${JSON.stringify(value)}`, 'Give a string.');
  return value;
}

function expectList(schema: PropertySchema, value: PlainValue, what: string): string[] {
  if (value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalid(schema, `expected a list of ${what}`, `Give an array of ${what}.`);
  }
  if (value.length > MAX_REFERENCES_PER_WRITE) {
    throw invalid(
      schema,
      `${value.length} ${what} in one value; Notion accepts at most ${MAX_REFERENCES_PER_WRITE} per write`,
      `Keep at most ${MAX_REFERENCES_PER_WRITE} ${what} in this property.`,
      { count: value.length, limit: MAX_REFERENCES_PER_WRITE },
    );
  }
  return value as string[];
}

function optionNames(schema: PropertySchema): string[] | undefined {
  const config = schema[schema.type] as { options?: { name?: unknown }[] } | undefined;
  const options = config?.options;
  return Array.isArray(options) ? options.map((o) => String(o.name ?? '')) : undefined;
}

function checkOptionName(schema: PropertySchema, name: string, mustExist: boolean): void {
  if (name.includes(','))
    throw invalid(
      schema,
      `option "${name}" contains a comma`,
      'Notion option names cannot contain commas.',
    );
  const names = optionNames(schema);
  if (!mustExist || !names || names.includes(name)) return;
  const closest = findClosest(name, names);
  throw invalid(
    schema,
    `"${name}" is not one of its options`,
    `${closest ? `Did you mean "${closest}"? ` : ''}Valid options: ${names.map((n) => `"${n}"`).join(', ') || 'none'}.`,
    { value: name, options: names },
  );
}

function encodeIds(schema: PropertySchema, value: PlainValue, what: string): string[] {
  return expectList(schema, value, what).map((raw) => {
    const id = parseNotionId(raw);
    if (!id) throw invalid(schema, `"${raw}" is not a Notion id`, `Give ${what} as UUIDs.`);
    return id;
  });
}

function encodeDate(schema: PropertySchema, value: PlainValue) {
  if (value === null) return null;
  const date = value as PlainDate;
  if (
    typeof date !== 'object' ||
    typeof date.start !== 'string' ||
    Number.isNaN(Date.parse(date.start))
  ) {
    throw invalid(
      schema,
      `expected { start, end, timeZone } with an ISO start`,
      'Give a date like { start: "2026-01-31" }.',
    );
  }
  if (date.end != null && Number.isNaN(Date.parse(date.end)))
    throw invalid(schema, `end "${date.end}" is not an ISO date`, 'Fix or drop end.');
  if (date.end != null && Date.parse(date.end) < Date.parse(date.start))
    throw invalid(
      schema,
      `the range ends (${date.end}) before it starts (${date.start})`,
      'Give the start first: start..end.',
      { start: date.start, end: date.end },
    );
  return { start: date.start, end: date.end ?? null, time_zone: date.timeZone ?? null };
}

function encodeFiles(schema: PropertySchema, value: PlainValue) {
  if (value === null) return [];
  if (!Array.isArray(value))
    throw invalid(schema, 'expected a list of { name, url }', 'Give an array of files.');
  return (value as PlainFile[]).map((file) => {
    if (file?.fileUploadId) {
      return { name: file.name, type: 'file_upload', file_upload: { id: file.fileUploadId } };
    }
    if (file?.hash) {
      throw invalid(
        schema,
        `${file.name} is a local file not uploaded yet`,
        'Push uploads local files before it writes them.',
      );
    }
    if (typeof file?.url !== 'string' || file.url.length === 0 || file.url.length > MAX_URL_CHARS) {
      throw invalid(schema, 'a file needs a url of 1–2,000 characters', 'Give each file a URL.');
    }
    return {
      name: file.name || file.url.slice(0, 100),
      type: 'external',
      external: { url: file.url },
    };
  });
}

function encodeLimitedString(
  schema: PropertySchema,
  value: PlainValue,
  limit: number,
): string | null {
  const text = expectString(schema, value, true);
  if (text !== null && text.length > limit) {
    throw invalid(
      schema,
      `${text.length} characters; Notion accepts at most ${limit}`,
      'Shorten the value.',
    );
  }
  return text === '' ? null : text;
}

/**
 * Turns a plain value into the request value Notion expects for `schema.type`, e.g.
 * `{ select: { name } }`. Throws `value_invalid` (naming the property and the fix) for computed
 * properties, wrong shapes, status names outside the schema, and values over Notion's limits.
 */
export function encodePropertyValue(
  schema: PropertySchema,
  value: PlainValue,
): Record<string, unknown> {
  const type = schema.type;
  if (COMPUTED_TYPES.has(type))
    throw invalid(schema, 'is computed by Notion', 'Computed properties are never written.');
  switch (type) {
    case 'title':
    case 'rich_text':
      return {
        [type]: textToRichTextRequest(expectString(schema, value, true) ?? '', schema.name),
      };
    case 'number':
      if (value !== null && (typeof value !== 'number' || !Number.isFinite(value)))
        throw invalid(
          schema,
          `expected a finite number, got ${JSON.stringify(value)}`,
          'Give a number or null.',
        );
      return { number: value };
    case 'select':
    case 'status': {
      const name = expectString(schema, value, true);
      if (name === null || name === '') return { [type]: null };
      checkOptionName(schema, name, type === 'status');
      return { [type]: { name } };
    }
    case 'multi_select': {
      const names = expectList(schema, value, 'options');
      for (const name of names) checkOptionName(schema, name, false);
      return { multi_select: [...new Set(names)].map((name) => ({ name })) };
    }
    case 'date':
      return { date: encodeDate(schema, value) };
    case 'people':
      return { people: encodeIds(schema, value, 'user ids').map((id) => ({ object: 'user', id })) };
    case 'relation':
      return { relation: encodeIds(schema, value, 'page ids').map((id) => ({ id })) };
    case 'files':
      return { files: encodeFiles(schema, value) };
    case 'checkbox':
      if (typeof value !== 'boolean')
        throw invalid(
          schema,
          `expected true or false, got ${JSON.stringify(value)}`,
          'Give a boolean.',
        );
      return { checkbox: value };
    case 'url':
      return { url: encodeLimitedString(schema, value, MAX_URL_CHARS) };
    case 'email':
    case 'phone_number':
      return { [type]: encodeLimitedString(schema, value, MAX_EMAIL_PHONE_CHARS) };
    case 'place':
      return { place: value };
    case 'verification':
      return { verification: encodeVerification(schema, value) };
    default:
      throw invalid(
        schema,
        'this property type cannot be written through the API',
        'Leave it out of the write.',
      );
  }
}

function encodeVerification(schema: PropertySchema, value: PlainValue) {
  const v = value as { state?: unknown; date?: PlainDate | null } | null;
  if (!v || (v.state !== 'verified' && v.state !== 'unverified')) {
    throw invalid(
      schema,
      'expected { state: "verified" | "unverified" }',
      'Give a verification state.',
    );
  }
  if (v.state === 'unverified' || !v.date) return { state: v.state };
  return {
    state: 'verified',
    date: { start: v.date.start, ...(v.date.end ? { end: v.date.end } : {}) },
  };
}

/**
 * Encodes several plain values (keyed by property name) against a data source schema (keyed by
 * name, as `data_source.properties` is). Unknown names are `value_invalid` with a suggestion.
 */
export function encodeProperties(
  schema: Record<string, PropertySchema>,
  values: Record<string, PlainValue>,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(values)) {
    const entry = schema[name];
    if (!entry) {
      const closest = findClosest(name, Object.keys(schema));
      throw new NotionSyncError(
        'value_invalid',
        `The data source has no property "${name}".${closest ? ` Did you mean "${closest}"?` : ''}`,
        { details: { property: name, known: Object.keys(schema) } },
      );
    }
    out[name] = encodePropertyValue(entry, value);
  }
  return out;
}
