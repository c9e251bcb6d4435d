import { bodyValidationError, tooLong, validationError } from '../errors.ts';
import { toStoredFileUrl } from '../file-host.ts';
import { normalizeId } from '../ids.ts';
import { isObject, MAX_TEXT_LENGTH, parseRichText } from '../rich-text.ts';
import type { DataSourceRecord, JsonObject, JsonValue, PropertySchema } from '../state.ts';
import type { Workspace } from '../workspace.ts';
import { newOptionId, optionColor } from './schema.ts';

export const MAX_ARRAY_VALUES = 100;
export const MAX_SHORT_TEXT = 200;
export const COMPUTED_TYPES: ReadonlySet<string> = new Set([
  'formula',
  'rollup',
  'created_time',
  'created_by',
  'last_edited_time',
  'last_edited_by',
  'unique_id',
  'button',
]);

const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

function rawValueOf(type: string, input: unknown): unknown {
  if (isObject(input) && type in input) return input[type];
  if (
    Array.isArray(input) &&
    ['title', 'rich_text', 'relation', 'people', 'multi_select', 'files'].includes(type)
  )
    return input;
  if (input === null) return null;
  if (isObject(input) && input.type !== undefined && input.type !== type) {
    throw validationError(`Property type mismatch: expected ${type}, got ${String(input.type)}.`);
  }
  return undefined;
}

function checkArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw bodyValidationError(path, 'should be an array');
  if (value.length > MAX_ARRAY_VALUES) throw tooLong(path, MAX_ARRAY_VALUES, value.length);
  return value;
}

function checkString(value: unknown, path: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string')
    throw bodyValidationError(
      path,
      `should be a string or \`null\`, instead was \`${JSON.stringify(value)}\``,
    );
  if (value.length > max) throw tooLong(path, max, value.length);
  return value;
}

function findOption(options: JsonObject[], input: unknown, path: string): JsonObject | undefined {
  if (!isObject(input)) throw bodyValidationError(path, 'should be an object or `null`');
  if (typeof input.id === 'string') {
    const byId = options.find((o) => o.id === input.id);
    if (!byId) throw validationError(`${path}: no option with id ${input.id}.`);
    return byId;
  }
  if (typeof input.name !== 'string' || input.name === '')
    throw bodyValidationError(`${path}.name`, 'should be defined');
  return options.find((o) => o.name === input.name);
}

/** Select/multi-select writes with an unknown name add the option to the schema, like Notion. */
function optionIdFor(schema: PropertySchema, input: unknown, path: string): string {
  const options = (schema.config.options ?? []) as JsonObject[];
  const found = findOption(options, input, path);
  if (found) return String(found.id);
  const name = (input as { name: string }).name;
  if (schema.type === 'status')
    throw validationError(`Invalid status option. Status option "${name}" does not exist".`);
  if (name.includes(',')) throw validationError(`Option name cannot contain commas: ${name}`);
  const color =
    isObject(input) && typeof input.color === 'string' ? input.color : optionColor(options.length);
  const option = {
    id: newOptionId(new Set(options.map((o) => String(o.id)))),
    name,
    color,
    description: null,
  };
  schema.config.options = [...options, option];
  return option.id;
}

function parseDate(value: unknown, path: string): JsonValue {
  if (value === null) return null;
  if (!isObject(value) || typeof value.start !== 'string' || !ISO_DATE.test(value.start)) {
    throw bodyValidationError(`${path}.start`, 'should be a valid ISO 8601 date string');
  }
  const end = value.end ?? null;
  if (end !== null && (typeof end !== 'string' || !ISO_DATE.test(end))) {
    throw bodyValidationError(`${path}.end`, 'should be a valid ISO 8601 date string or `null`');
  }
  const timeZone = typeof value.time_zone === 'string' ? value.time_zone : null;
  return { start: value.start, end, time_zone: timeZone };
}

function parseFiles(ws: Workspace, value: unknown, path: string): JsonValue {
  return checkArray(value, path).map((item, index) => {
    const itemPath = `${path}[${index}]`;
    if (!isObject(item)) throw bodyValidationError(itemPath, 'should be an object');
    const external = item.external;
    if (isObject(external) && typeof external.url === 'string') {
      const name = typeof item.name === 'string' ? item.name : external.url;
      return { name, type: 'external', external: { url: external.url } };
    }
    if (isObject(item.file_upload)) {
      const hosted = ws.resolver.hostedFile(item.file_upload.id, `${itemPath}.file_upload.id`);
      const upload = ws.state.fileUploads[String(item.file_upload.id)];
      const name = typeof item.name === 'string' ? item.name : (upload?.filename ?? 'file');
      return { name, type: 'file', file: hosted };
    }
    const file = item.file;
    if (isObject(file) && typeof file.url === 'string') {
      const name = typeof item.name === 'string' ? item.name : 'file';
      return {
        name,
        type: 'file',
        // A file read earlier and written back names the same stored file.
        file: { url: toStoredFileUrl(file.url), expiry_time: null },
      };
    }
    throw bodyValidationError(itemPath, 'should be an external, file_upload or file object');
  });
}

function parseIds(
  value: unknown,
  path: string,
  exists: (id: string) => boolean,
  what: string,
): string[] {
  return checkArray(value, path).map((item, index) => {
    const id = isObject(item) ? normalizeId(item.id) : undefined;
    if (!id) throw bodyValidationError(`${path}[${index}].id`, 'should be a valid uuid');
    if (!exists(id)) throw validationError(`Could not find ${what} with ID: ${id}.`);
    return id;
  });
}

/**
 * Validates one property value of a page write and returns what is stored
 * (rich text in response form, option/user/page ids, scalars).
 */
export function parsePropertyValue(
  ws: Workspace,
  schema: PropertySchema,
  input: unknown,
  path: string,
): JsonValue {
  const type = schema.type;
  if (COMPUTED_TYPES.has(type))
    throw validationError(
      `${schema.name} is a computed property of type ${type} and cannot be written.`,
    );
  const raw = rawValueOf(type, input);
  const typedPath = `${path}.${type}`;
  if (raw === undefined)
    throw bodyValidationError(typedPath, 'should be defined, instead was `undefined`');
  switch (type) {
    case 'title':
    case 'rich_text':
      return parseRichText(raw ?? [], typedPath, ws.resolver);
    case 'number':
      if (raw !== null && (typeof raw !== 'number' || !Number.isFinite(raw)))
        throw bodyValidationError(typedPath, 'should be a number or `null`');
      return raw as number | null;
    case 'checkbox':
      if (typeof raw !== 'boolean') throw bodyValidationError(typedPath, 'should be a boolean');
      return raw;
    case 'url':
      return checkString(raw, typedPath, MAX_TEXT_LENGTH);
    case 'email':
    case 'phone_number':
      return checkString(raw, typedPath, MAX_SHORT_TEXT);
    case 'select':
    case 'status':
      return raw === null ? null : optionIdFor(schema, raw, typedPath);
    case 'multi_select':
      return checkArray(raw ?? [], typedPath).map((item, i) =>
        optionIdFor(schema, item, `${typedPath}[${i}]`),
      );
    case 'date':
      return parseDate(raw, typedPath);
    case 'people':
      return parseIds(raw ?? [], typedPath, (id) => id in ws.state.users, 'user');
    case 'relation': {
      const ids = parseIds(raw ?? [], typedPath, (id) => id in ws.state.pages, 'page');
      const target = String(schema.config.data_source_id ?? '');
      for (const id of ids) {
        const parent = ws.state.pages[id]?.parent;
        if (parent?.type !== 'data_source_id' || parent.id !== target) {
          throw validationError(
            `Relation ${schema.name} only accepts pages of data source ${target}; page ${id} is not one of them.`,
          );
        }
      }
      return ids;
    }
    case 'files':
      return parseFiles(ws, raw ?? [], typedPath);
    case 'place':
    case 'verification':
    case 'location':
      return raw === null || isObject(raw) ? (raw as JsonValue) : null;
    default:
      return null;
  }
}

/** The data source's schema entry for a request key (a property name or id). */
export function findSchema(ds: DataSourceRecord, key: string): PropertySchema | undefined {
  const byId = ds.properties[key];
  if (byId) return byId;
  const decoded = safeDecode(key);
  return Object.values(ds.properties).find((p) => p.name === key || p.id === decoded);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
