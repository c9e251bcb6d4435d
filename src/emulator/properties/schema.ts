import { bodyValidationError, validationError } from '../errors.ts';
import { newPropertyId } from '../ids.ts';
import { isObject } from '../rich-text.ts';
import type { JsonObject, JsonValue, PropertySchema } from '../state.ts';

const OPTION_COLORS = [
  'default',
  'gray',
  'brown',
  'orange',
  'yellow',
  'green',
  'blue',
  'purple',
  'pink',
  'red',
];

const EMPTY_CONFIG_TYPES = new Set([
  'title',
  'rich_text',
  'date',
  'people',
  'files',
  'checkbox',
  'url',
  'email',
  'phone_number',
  'created_time',
  'created_by',
  'last_edited_time',
  'last_edited_by',
  'button',
  'location',
  'place',
  'verification',
  'last_visited_time',
]);

const NUMBER_FORMATS = new Set([
  'number',
  'number_with_commas',
  'percent',
  'dollar',
  'euro',
  'pound',
  'yen',
  'rupee',
  'won',
  'yuan',
]);

/** Every schema type the emulator accepts in a data source. */
export const SCHEMA_TYPES: ReadonlySet<string> = new Set([
  ...EMPTY_CONFIG_TYPES,
  'number',
  'select',
  'multi_select',
  'status',
  'formula',
  'relation',
  'rollup',
  'unique_id',
]);

export function newOptionId(taken: ReadonlySet<string>): string {
  return newPropertyId(taken);
}

/** A colour for the n-th new option, cycling like Notion's picker. */
export function optionColor(index: number): string {
  return OPTION_COLORS[(index % (OPTION_COLORS.length - 1)) + 1] ?? 'default';
}

function parseOptions(input: unknown, existing: JsonValue | undefined, path: string): JsonObject[] {
  if (!Array.isArray(input)) throw bodyValidationError(`${path}.options`, 'should be an array');
  const previous = Array.isArray(existing) ? (existing as JsonObject[]) : [];
  const taken = new Set(previous.map((o) => String(o.id)));
  return input.map((option, index) => {
    if (!isObject(option))
      throw bodyValidationError(`${path}.options[${index}]`, 'should be an object');
    const match = previous.find(
      (p) =>
        (option.id !== undefined && p.id === option.id) ||
        (option.name !== undefined && p.name === option.name),
    );
    const name = typeof option.name === 'string' ? option.name : match?.name;
    if (typeof name !== 'string' || name === '') {
      throw bodyValidationError(`${path}.options[${index}].name`, 'should be defined');
    }
    if (name.includes(',')) throw validationError(`Option name cannot contain commas: ${name}`);
    const id = match ? String(match.id) : newOptionId(taken);
    taken.add(id);
    const color =
      typeof option.color === 'string' ? option.color : (match?.color ?? optionColor(index));
    if (typeof color !== 'string' || !OPTION_COLORS.includes(color)) {
      throw bodyValidationError(`${path}.options[${index}].color`, 'should be a valid color');
    }
    const description =
      typeof option.description === 'string' ? option.description : (match?.description ?? null);
    return { id, name, color, description };
  });
}

function defaultStatusConfig(): JsonObject {
  const options = [
    { id: newOptionId(new Set()), name: 'Not started', color: 'default', description: null },
    { id: newOptionId(new Set()), name: 'In progress', color: 'blue', description: null },
    { id: newOptionId(new Set()), name: 'Done', color: 'green', description: null },
  ];
  return {
    options,
    groups: [
      { id: newOptionId(new Set()), name: 'To-do', color: 'gray', option_ids: [options[0]!.id] },
      {
        id: newOptionId(new Set()),
        name: 'In progress',
        color: 'blue',
        option_ids: [options[1]!.id],
      },
      {
        id: newOptionId(new Set()),
        name: 'Complete',
        color: 'green',
        option_ids: [options[2]!.id],
      },
    ],
  };
}

function statusConfig(
  input: Record<string, unknown>,
  existing: JsonObject | undefined,
  path: string,
): JsonObject {
  const base = existing ?? defaultStatusConfig();
  if (!Array.isArray(input.options)) return base;
  const options = parseOptions(input.options, base.options, path);
  const groups = (Array.isArray(base.groups) ? base.groups : []) as JsonObject[];
  const grouped = new Set(groups.flatMap((g) => (Array.isArray(g.option_ids) ? g.option_ids : [])));
  const live = new Set(options.map((o) => o.id));
  const nextGroups = groups.map((g, index) => {
    const ids = (Array.isArray(g.option_ids) ? g.option_ids : []).filter((id) =>
      live.has(id as string),
    );
    if (index === 0)
      ids.push(...options.filter((o) => !grouped.has(o.id!)).map((o) => o.id as string));
    return { ...g, option_ids: ids };
  });
  return { options, groups: nextGroups };
}

/** Types whose configuration a caller-provided `relation`/`rollup` needs the workspace for. */
export type SchemaConfigResolver = (
  type: 'relation' | 'rollup',
  config: Record<string, unknown>,
  path: string,
) => JsonObject;

/**
 * Builds a schema entry from a request (`{type?, <type>: config, name?, description?}`),
 * keeping the id and options of `existing` when it is an update.
 */
export function parsePropertySchema(
  name: string,
  input: Record<string, unknown>,
  existing: PropertySchema | undefined,
  taken: ReadonlySet<string>,
  resolve: SchemaConfigResolver,
  path: string,
): PropertySchema {
  const explicit = typeof input.type === 'string' ? input.type : undefined;
  const type = explicit ?? [...SCHEMA_TYPES].find((t) => t in input) ?? existing?.type;
  if (!type || !SCHEMA_TYPES.has(type)) {
    throw bodyValidationError(
      path,
      `should define a valid property type, instead was \`${JSON.stringify(explicit ?? Object.keys(input)[0] ?? null)}\``,
    );
  }
  if (existing?.type === 'title' && type !== 'title') {
    throw validationError(`Cannot change the type of the title property ${name}.`);
  }
  const raw = isObject(input[type]) ? (input[type] as Record<string, unknown>) : {};
  const same = existing?.type === type ? existing.config : undefined;
  const config = buildConfig(type, raw, same, resolve, `${path}.${type}`);
  const description =
    typeof input.description === 'string' ? input.description : (existing?.description ?? null);
  const id = type === 'title' ? 'title' : (existing?.id ?? newPropertyId(taken));
  return { id, name, type, description, config };
}

function buildConfig(
  type: string,
  raw: Record<string, unknown>,
  same: JsonObject | undefined,
  resolve: SchemaConfigResolver,
  path: string,
): JsonObject {
  switch (type) {
    case 'number': {
      const format = typeof raw.format === 'string' ? raw.format : (same?.format ?? 'number');
      if (typeof format !== 'string' || !NUMBER_FORMATS.has(format)) {
        throw bodyValidationError(`${path}.format`, 'should be a valid number format');
      }
      return { format };
    }
    case 'select':
    case 'multi_select':
      return {
        options:
          raw.options === undefined
            ? ((same?.options ?? []) as JsonValue)
            : parseOptions(raw.options, same?.options, path),
      };
    case 'status':
      return statusConfig(raw, same, path);
    case 'formula': {
      if (typeof raw.expression !== 'string') {
        if (same) return same;
        throw bodyValidationError(`${path}.expression`, 'should be a string');
      }
      return { expression: raw.expression };
    }
    case 'unique_id':
      return { prefix: typeof raw.prefix === 'string' && raw.prefix !== '' ? raw.prefix : null };
    case 'relation':
    case 'rollup':
      return resolve(type, raw, path);
    default:
      return {};
  }
}

/** The schema entry as the API shows it. */
export function renderPropertySchema(schema: PropertySchema): JsonObject {
  const config: JsonObject = schema.config;
  return {
    id: schema.id,
    name: schema.name,
    description: schema.description,
    type: schema.type,
    [schema.type]: config,
  };
}
