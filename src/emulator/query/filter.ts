import { bodyValidationError, validationError } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import { findSchema } from '../properties/values.ts';
import { isObject } from '../rich-text.ts';
import type { DataSourceRecord, JsonObject, PageRecord } from '../state.ts';
import type { Workspace } from '../workspace.ts';
import { compileDateCondition, type DatePredicateContext } from './date-filter.ts';
import {
  type Comparable,
  createComparableReader,
  timestampComparable,
  toComparable,
} from './filter-values.ts';

export type RowPredicate = (page: PageRecord) => boolean;
type ValuePredicate = (value: Comparable) => boolean;

/** Compound filters nest at most this deep (notion-api.md §4.2). */
export const MAX_FILTER_DEPTH = 2;

const FAMILY: Record<string, string> = {
  title: 'text',
  rich_text: 'text',
  url: 'text',
  email: 'text',
  phone_number: 'text',
  number: 'number',
  unique_id: 'number',
  checkbox: 'checkbox',
  select: 'option',
  status: 'option',
  multi_select: 'options',
  date: 'date',
  created_time: 'date',
  last_edited_time: 'date',
  people: 'ids',
  created_by: 'ids',
  last_edited_by: 'ids',
  relation: 'ids',
  files: 'files',
  formula: 'formula',
  rollup: 'rollup',
};

export interface FilterContext extends DatePredicateContext {
  ws: Workspace;
  /** The acting integration's bot id, for `"me"`. */
  meId: string;
}

function operatorOf(ops: unknown, path: string): [string, unknown] {
  if (!isObject(ops)) throw bodyValidationError(path, 'should be an object');
  const entries = Object.entries(ops);
  if (entries.length !== 1 || !entries[0])
    throw bodyValidationError(path, 'should have exactly one filter operator');
  return entries[0];
}

function textCondition(op: string, arg: unknown, path: string): ValuePredicate {
  if (op === 'is_empty' || op === 'is_not_empty')
    return (c) => ((c.value as string) === '') === (op === 'is_empty');
  if (typeof arg !== 'string') throw bodyValidationError(`${path}.${op}`, 'should be a string');
  const needle = arg.toLowerCase();
  const tests: Record<string, (s: string) => boolean> = {
    equals: (s) => s === arg,
    does_not_equal: (s) => s !== arg,
    contains: (s) => s.toLowerCase().includes(needle),
    does_not_contain: (s) => !s.toLowerCase().includes(needle),
    starts_with: (s) => s.toLowerCase().startsWith(needle),
    ends_with: (s) => s.toLowerCase().endsWith(needle),
  };
  const test = tests[op];
  if (!test)
    throw bodyValidationError(`${path}.${op}`, 'should be not present (unknown text operator)');
  return (c) => test(c.value as string);
}

function numberCondition(op: string, arg: unknown, path: string): ValuePredicate {
  if (op === 'is_empty' || op === 'is_not_empty')
    return (c) => (c.value === null) === (op === 'is_empty');
  if (typeof arg !== 'number') throw bodyValidationError(`${path}.${op}`, 'should be a number');
  const tests: Record<string, (n: number) => boolean> = {
    equals: (n) => n === arg,
    does_not_equal: (n) => n !== arg,
    greater_than: (n) => n > arg,
    less_than: (n) => n < arg,
    greater_than_or_equal_to: (n) => n >= arg,
    less_than_or_equal_to: (n) => n <= arg,
  };
  const test = tests[op];
  if (!test)
    throw bodyValidationError(`${path}.${op}`, 'should be not present (unknown number operator)');
  return (c) => (c.value === null ? op === 'does_not_equal' : test(c.value as number));
}

function optionCondition(family: string, op: string, arg: unknown, path: string): ValuePredicate {
  const names = (c: Comparable): string[] =>
    family === 'options' ? (c.value as string[]) : c.value === null ? [] : [c.value as string];
  if (op === 'is_empty' || op === 'is_not_empty')
    return (c) => (names(c).length === 0) === (op === 'is_empty');
  const wanted = Array.isArray(arg) ? arg : [arg];
  if (!wanted.every((w) => typeof w === 'string'))
    throw bodyValidationError(`${path}.${op}`, 'should be a string or an array of strings');
  const hit = (c: Comparable) => names(c).some((n) => wanted.includes(n));
  const positive = family === 'options' ? op === 'contains' : op === 'equals';
  const negative = family === 'options' ? op === 'does_not_contain' : op === 'does_not_equal';
  if (!positive && !negative)
    throw bodyValidationError(
      `${path}.${op}`,
      `should be not present (unknown ${family === 'options' ? 'multi_select' : 'select'} operator)`,
    );
  return positive ? hit : (c) => !hit(c);
}

function idsCondition(op: string, arg: unknown, path: string, ctx: FilterContext): ValuePredicate {
  if (op === 'is_empty' || op === 'is_not_empty')
    return (c) => ((c.value as string[]).length === 0) === (op === 'is_empty');
  const id = arg === 'me' ? ctx.meId : normalizeId(arg);
  if (!id) throw bodyValidationError(`${path}.${op}`, 'should be a valid uuid');
  if (op === 'contains') return (c) => (c.value as string[]).includes(id);
  if (op === 'does_not_contain') return (c) => !(c.value as string[]).includes(id);
  throw bodyValidationError(`${path}.${op}`, 'should be not present (unknown operator)');
}

function compileValueCondition(
  family: string,
  ops: unknown,
  path: string,
  ctx: FilterContext,
): ValuePredicate {
  const [op, arg] = operatorOf(ops, path);
  switch (family) {
    case 'text':
      return textCondition(op, arg, path);
    case 'number':
      return numberCondition(op, arg, path);
    case 'checkbox':
      if (op !== 'equals' && op !== 'does_not_equal')
        throw bodyValidationError(
          `${path}.${op}`,
          'should be not present (checkbox takes equals or does_not_equal)',
        );
      if (typeof arg !== 'boolean')
        throw bodyValidationError(`${path}.${op}`, 'should be a boolean');
      return (c) => ((c.value as boolean) === arg) === (op === 'equals');
    case 'option':
    case 'options':
      return optionCondition(family, op, arg, path);
    case 'date':
      return compileDateCondition(op, arg, path, ctx);
    case 'ids':
      return idsCondition(op, arg, path, ctx);
    case 'files':
      if (op !== 'is_empty' && op !== 'is_not_empty')
        throw bodyValidationError(
          `${path}.${op}`,
          'should be not present (files take is_empty or is_not_empty)',
        );
      return (c) => ((c.value as number) === 0) === (op === 'is_empty');
    default:
      throw bodyValidationError(path, 'should be a supported filter type');
  }
}

const FORMULA_FAMILY: Record<string, string> = {
  string: 'text',
  checkbox: 'checkbox',
  number: 'number',
  date: 'date',
};
const FORMULA_TYPE: Record<string, string> = {
  string: 'rich_text',
  checkbox: 'checkbox',
  number: 'number',
  date: 'date',
};

function formulaCondition(ops: unknown, path: string, ctx: FilterContext): ValuePredicate {
  const [sub, inner] = operatorOf(ops, path);
  const family = FORMULA_FAMILY[sub];
  if (!family)
    throw bodyValidationError(`${path}.${sub}`, 'should be one of string, checkbox, number, date');
  const test = compileValueCondition(family, inner, `${path}.${sub}`, ctx);
  return (c) => {
    const f = c.value as JsonObject;
    const raw = f[String(f.type)] ?? null;
    const value = sub === 'string' ? (typeof raw === 'string' ? raw : '') : raw;
    const comparable =
      sub === 'string'
        ? ({ kind: 'text', value } as Comparable)
        : toComparable(FORMULA_TYPE[sub] ?? sub, value);
    return test(comparable);
  };
}

function rollupCondition(ops: unknown, path: string, ctx: FilterContext): ValuePredicate {
  const [mode, inner] = operatorOf(ops, path);
  if (mode === 'number' || mode === 'date') {
    const test = compileValueCondition(mode, inner, `${path}.${mode}`, ctx);
    return (c) => {
      const r = c.value as JsonObject;
      if (mode === 'number')
        return test({ kind: 'number', value: typeof r.number === 'number' ? r.number : null });
      return test(toComparable('date', (r.date ?? null) as JsonObject | null));
    };
  }
  if (mode !== 'any' && mode !== 'every' && mode !== 'none')
    throw bodyValidationError(`${path}.${mode}`, 'should be one of any, every, none, number, date');
  const [type, condition] = operatorOf(inner, `${path}.${mode}`);
  const family = FAMILY[type];
  if (!family)
    throw bodyValidationError(`${path}.${mode}.${type}`, 'should be a supported property type');
  const test = compileValueCondition(family, condition, `${path}.${mode}.${type}`, ctx);
  return (c) => {
    const r = c.value as JsonObject;
    const items = Array.isArray(r.array) ? (r.array as JsonObject[]) : [];
    const results = items.map((item) =>
      test(toComparable(String(item.type), item[String(item.type)] ?? null)),
    );
    if (mode === 'any') return results.some(Boolean);
    if (mode === 'every') return results.every(Boolean);
    return !results.some(Boolean);
  };
}

function compileCondition(
  ds: DataSourceRecord,
  filter: Record<string, unknown>,
  path: string,
  ctx: FilterContext,
): RowPredicate {
  if (filter.timestamp !== undefined) {
    const ts = filter.timestamp;
    if (ts !== 'created_time' && ts !== 'last_edited_time')
      throw bodyValidationError(`${path}.timestamp`, 'should be created_time or last_edited_time');
    const test = compileDateCondition(
      ...operatorOf(filter[ts], `${path}.${ts}`),
      `${path}.${ts}`,
      ctx,
    );
    return (page) => test(timestampComparable(page, ts));
  }
  if (typeof filter.property !== 'string')
    throw bodyValidationError(`${path}.property`, 'should be defined, instead was `undefined`');
  const schema = findSchema(ds, filter.property);
  if (!schema) throw validationError(`Could not find property with name or id: ${filter.property}`);
  const key = Object.keys(filter).find((k) => k !== 'property');
  if (!key || !(key in FAMILY))
    throw bodyValidationError(path, 'should define a filter condition for the property type');
  const propertyFamily = FAMILY[schema.type];
  if (propertyFamily !== FAMILY[key]) {
    throw validationError(`database property ${schema.type} does not match filter ${key}`);
  }
  const test =
    key === 'formula'
      ? formulaCondition(filter[key], `${path}.formula`, ctx)
      : key === 'rollup'
        ? rollupCondition(filter[key], `${path}.rollup`, ctx)
        : compileValueCondition(FAMILY[key] ?? '', filter[key], `${path}.${key}`, ctx);
  const read = createComparableReader(ctx.ws, schema);
  return (page) => test(read(page));
}

/**
 * Compiles a query filter into a row predicate, validating it completely first (unknown
 * properties, operators, types, and compound nesting deeper than two levels → validation_error).
 */
export function compileFilter(
  ds: DataSourceRecord,
  filter: unknown,
  ctx: FilterContext,
  path = 'body.filter',
  depth = 0,
): RowPredicate {
  if (!isObject(filter)) throw bodyValidationError(path, 'should be an object');
  for (const combinator of ['and', 'or'] as const) {
    if (filter[combinator] === undefined) continue;
    if (depth >= MAX_FILTER_DEPTH) {
      throw bodyValidationError(
        `${path}.${combinator}`,
        `should be not present, instead was \`[…]\`. Compound filters can be nested at most ${MAX_FILTER_DEPTH} levels deep`,
      );
    }
    const items = filter[combinator];
    if (!Array.isArray(items))
      throw bodyValidationError(`${path}.${combinator}`, 'should be an array');
    if (items.length > 100)
      throw bodyValidationError(
        `${path}.${combinator}.length`,
        `should be ≤ \`100\`, instead was \`${items.length}\``,
      );
    const parts = items.map((item, i) =>
      compileFilter(ds, item, ctx, `${path}.${combinator}[${i}]`, depth + 1),
    );
    return combinator === 'and'
      ? (page) => parts.every((p) => p(page))
      : (page) => parts.some((p) => p(page));
  }
  return compileCondition(ds, filter, path, ctx);
}
