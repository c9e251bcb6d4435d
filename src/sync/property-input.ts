// Local values in, checked against the source's schema snapshot: text from the command line
// (`Prop=value`) becomes the plain value the property decoder would produce for the same Notion
// value, so a value pushed and pulled back compares equal. Invariant: nothing reaches the store
// that Notion would refuse or that is computed by Notion.
import { basename } from 'node:path';
import { NotionSyncError } from '../errors.ts';
import {
  COMPUTED_TYPES,
  encodePropertyValue,
  type PlainFile,
  type PlainValue,
  type PropertySchema,
} from '../notion/index.ts';
import { findClosest, parseNotionId } from '../shared/index.ts';
import type { JsonValue, SchemaProperty, SourceSchema } from './store-api.ts';

const EXAMPLES: Record<string, string> = {
  title: 'Name="Launch plan"',
  rich_text: 'Notes="any text"',
  number: 'Estimate=3.5 (decimal digits with an optional sign, point and exponent: 42, -0.5, 1e6)',
  select: 'Stage=Doing (empty to clear)',
  status: 'Status="In progress"',
  multi_select: 'Tags=a,b,c',
  date: 'Due=2026-01-31 or Due=2026-01-31..2026-02-02',
  people: 'Owner=<user id>,<user id>',
  relation: 'Project=<page id>,<page id>',
  checkbox: 'Done=true',
  url: 'Link=https://example.com',
  email: 'Email=a@example.com',
  phone_number: 'Phone="+1 555 0100"',
  files: 'Files=https://example.com/a.pdf',
};

function invalid(property: SchemaProperty, problem: string): NotionSyncError {
  const example = EXAMPLES[property.type];
  return new NotionSyncError(
    'value_invalid',
    `Property "${property.name}" (${property.type}): ${problem}.${example ? ` Example: ${example}.` : ''}`,
    { details: { property: property.name, type: property.type } },
  );
}

/** Finds a property of the snapshot by name or id; `value_invalid` with a suggestion otherwise. */
export function findProperty(schema: SourceSchema, nameOrId: string): SchemaProperty {
  const all = Object.values(schema.properties);
  const found = all.find((p) => p.name === nameOrId) ?? schema.properties[nameOrId];
  if (found) return found;
  const closest = findClosest(
    nameOrId,
    all.map((p) => p.name),
  );
  throw new NotionSyncError(
    'value_invalid',
    `The source has no property "${nameOrId}".${closest ? ` Did you mean "${closest}"?` : ''} Known: ${all.map((p) => p.name).join(', ')}.`,
    { details: { property: nameOrId } },
  );
}

function parseList(text: string): string[] {
  return text === ''
    ? []
    : text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

function parseIds(property: SchemaProperty, text: string): string[] {
  return parseList(text).map((raw) => {
    const id = parseNotionId(raw);
    if (!id) throw invalid(property, `"${raw}" is not a Notion id`);
    return id;
  });
}

// Plain decimal notation only: `Number()` would also take 0x10, 0b11, 0o7, '' and ' 1 ', which a
// person typing a value never means as a number.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumberText(property: SchemaProperty, text: string): PlainValue {
  if (text === '') return null;
  const n = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n)) throw invalid(property, `"${text}" is not a decimal number`);
  return n;
}

function parseDateText(property: SchemaProperty, text: string): PlainValue {
  if (text === '') return null;
  const [start, end] = text.split('..');
  const ok = (s: string | undefined) =>
    s !== undefined && /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s));
  if (!ok(start) || (end !== undefined && !ok(end)))
    throw invalid(property, `"${text}" is not an ISO date (YYYY-MM-DD, optionally with a time)`);
  return { start: start!, end: end ?? null, timeZone: null };
}

/** Parses command-line text for one property into its plain value. */
export function parsePropertyText(property: SchemaProperty, text: string): PlainValue {
  switch (property.type) {
    case 'number':
      return parseNumberText(property, text);
    case 'checkbox':
      if (!['true', 'false', 'yes', 'no', '1', '0'].includes(text.toLowerCase()))
        throw invalid(property, `"${text}" is not true or false`);
      return ['true', 'yes', '1'].includes(text.toLowerCase());
    case 'multi_select':
      return parseList(text);
    case 'people':
    case 'relation':
      return parseIds(property, text);
    case 'date':
      return parseDateText(property, text);
    case 'files':
      // An https:// item is a link; anything else is a local file to upload (push).
      return parseList(text).map((item) =>
        /^https?:\/\//i.test(item)
          ? { name: item.slice(0, 100), url: item }
          : { name: basename(item), url: '', path: item },
      );
    case 'select':
    case 'status':
    case 'url':
    case 'email':
    case 'phone_number':
      return text === '' ? null : text;
    default:
      return text;
  }
}

/** The plain value as the decoder returns it after a round trip through Notion. */
function canonical(property: SchemaProperty, value: PlainValue): JsonValue {
  if (property.type === 'multi_select' && Array.isArray(value))
    return [...new Set(value as string[])];
  if (property.type === 'date' && value && typeof value === 'object' && 'start' in value) {
    const d = value as { start: string; end?: string | null; timeZone?: string | null };
    return { start: d.start, end: d.end ?? null, timeZone: d.timeZone ?? null };
  }
  return value as JsonValue;
}

/** The snapshot property as the encoder reads it: a status property with its known options. */
function encoderSchemaOf(property: SchemaProperty): PropertySchema {
  const schema: PropertySchema = { id: property.id, name: property.name, type: property.type };
  if (property.type === 'status' && property.options)
    schema.status = { options: property.options.map((name) => ({ name })) };
  return schema;
}

/** Local files are checked when kept and uploaded; the encoder checks the links. */
function withoutLocalFiles(property: SchemaProperty, value: PlainValue): PlainValue {
  if (property.type !== 'files' || !Array.isArray(value)) return value;
  return (value as PlainFile[]).filter((f) => f.hash === undefined && f.path === undefined);
}

/**
 * Checks plain values keyed by property name (or id) against the snapshot and returns them keyed
 * by property id. `value_invalid` for unknown or computed properties and values Notion refuses.
 */
export function checkLocalValues(
  schema: SourceSchema,
  values: Record<string, PlainValue>,
): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(values)) {
    const property = findProperty(schema, key);
    if (COMPUTED_TYPES.has(property.type))
      throw invalid(property, 'is computed by Notion and is never written');
    try {
      encodePropertyValue(encoderSchemaOf(property), withoutLocalFiles(property, value));
    } catch (error) {
      // The encoder's own value_invalid already names the property, the problem and the fix.
      if (error instanceof NotionSyncError && error.code === 'value_invalid') throw error;
      if (error instanceof NotionSyncError) throw invalid(property, error.message);
      throw error;
    }
    out[property.id] = canonical(property, value);
  }
  return out;
}

/** Parses `Prop=value` arguments (the value may be empty to clear the property). */
export function parseAssignments(
  schema: SourceSchema,
  assignments: string[],
): Record<string, PlainValue> {
  const values: Record<string, PlainValue> = {};
  for (const assignment of assignments) {
    const at = assignment.indexOf('=');
    if (at <= 0) {
      throw new NotionSyncError(
        'usage',
        `"${assignment}" is not Prop=value — write e.g. Status=Done (quote values with spaces).`,
        { details: { argument: assignment } },
      );
    }
    const property = findProperty(schema, assignment.slice(0, at));
    if (COMPUTED_TYPES.has(property.type))
      throw invalid(property, 'is computed by Notion and is never written');
    values[property.name] = parsePropertyText(property, assignment.slice(at + 1));
  }
  return values;
}
