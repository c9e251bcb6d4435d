// Values between a user's columns and Notion's plain property values, through one normalized
// "row space" (what the row hash covers): text '' and null are the same, timestamps are ISO UTC
// with milliseconds, dates are YYYY-MM-DD, json is stable text. A row read back after an export
// normalizes to the same value the export computed, so an unchanged row never looks edited.

import { type AliasedRawBuilder, sql } from 'kysely';
import { hashValue, stableStringify } from '../../shared/index.ts';
import type { DialectName, JsonValue, UserDatabase } from '../../store/index.ts';
import type { MappedColumn, TablePlan } from './column-mapping.ts';
import type { TableColumn } from './table-catalog.ts';

export type RowValues = Record<string, JsonValue>;

const NAIVE_TIME = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/;

function isoTime(value: unknown): string | null {
  if (typeof value === 'number') return new Date(value).toISOString();
  const text = String(value);
  const parsed = Date.parse(NAIVE_TIME.test(text) ? `${text.replace(' ', 'T')}Z` : text);
  return Number.isNaN(parsed) ? text : new Date(parsed).toISOString();
}

function asList(value: unknown): JsonValue {
  let list = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (!Array.isArray(list) || list.length === 0) return null;
  return list.map(String);
}

/** A column's value in row space (`boolean` mapping for a checkbox kept in an integer column). */
export function normalizeColumn(column: TableColumn, value: unknown, asBoolean = false): JsonValue {
  if (value === null || value === undefined) return null;
  if (asBoolean || column.kind === 'boolean')
    return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
  switch (column.kind) {
    case 'integer':
    case 'number': {
      const n = Number(value);
      return Number.isNaN(n) ? String(value) : n;
    }
    case 'date':
      return String(value).slice(0, 10);
    case 'timestamp':
      return isoTime(value);
    case 'json':
      try {
        return stableStringify(typeof value === 'string' ? JSON.parse(value) : value);
      } catch {
        return String(value);
      }
    case 'text_array':
      return asList(value);
    default:
      return value === '' ? null : String(value);
  }
}

/** True for a checkbox kept in an integer column (0/1). */
function isFlag(mapped: MappedColumn): boolean {
  return mapped.property.type === 'checkbox';
}

export function normalizeMapped(mapped: MappedColumn, value: unknown): JsonValue {
  // A foreign key is compared as the referenced row's key text (what relations resolve to).
  if (mapped.relation) return keyText(value);
  if (mapped.property.type === 'multi_select') return asList(value);
  return normalizeColumn(mapped.column, value, isFlag(mapped));
}

/** The key column's value as the sync key text. */
export function keyText(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

/**
 * A property value (plain, as the store holds it) in row space; `undefined` when it cannot be
 * known yet (a relation to a row not yet exported).
 */
export function propertyToRow(
  mapped: MappedColumn,
  value: JsonValue | undefined,
  keyOfPage: (table: string, pageId: string) => string | null,
): JsonValue | undefined {
  if (value === undefined || value === null) return null;
  if (mapped.relation) {
    const first = Array.isArray(value) ? value[0] : null;
    if (typeof first !== 'string') return null;
    return keyOfPage(mapped.relation.table, first) ?? undefined;
  }
  if (typeof value === 'object' && !Array.isArray(value) && typeof value.start === 'string') {
    const { start } = value;
    if (mapped.column.kind === 'date') return start.slice(0, 10);
    if (mapped.column.kind === 'timestamp') return isoTime(start);
    return start;
  }
  if (mapped.column.kind === 'json' && mapped.property.type !== 'multi_select') {
    return normalizeColumn(
      mapped.column,
      typeof value === 'string' ? value : JSON.stringify(value),
    );
  }
  return normalizeMapped(mapped, value);
}

/**
 * A row-space value as the property's plain value; `undefined` when it cannot be known yet (a
 * foreign key naming a row that has no page yet).
 */
export function rowToProperty(
  mapped: MappedColumn,
  value: JsonValue,
  pageOfKey: (table: string, key: string) => string | null,
): JsonValue | undefined {
  if (mapped.relation) {
    if (value === null) return [];
    return pageOfKey(mapped.relation.table, String(value)) === null
      ? undefined
      : [pageOfKey(mapped.relation.table, String(value))!];
  }
  if (value === null) return mapped.property.type === 'multi_select' ? [] : null;
  switch (mapped.property.type) {
    case 'date':
      return { start: String(value), end: null, timeZone: null };
    case 'number':
      return typeof value === 'number' ? value : Number(value);
    case 'checkbox':
      return value === true;
    case 'rich_text':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return value;
  }
}

/** A row-space value as a parameter the column accepts. */
export function toParameter(dialect: DialectName, mapped: MappedColumn, value: JsonValue): unknown {
  if (value === null) return null;
  const { kind } = mapped.column;
  if (typeof value === 'boolean')
    return dialect === 'sqlite' || kind === 'integer' ? (value ? 1 : 0) : value;
  if (Array.isArray(value))
    return kind === 'json' || dialect === 'sqlite' ? JSON.stringify(value) : value;
  if (mapped.relation || kind === 'integer') return kind === 'integer' ? Number(value) : value;
  return value;
}

/** The key text as a parameter of the key column. */
export function keyParameter(key: TableColumn, text: string): unknown {
  return key.kind === 'integer' ? Number(text) : text;
}

/** The select list of a scan: every mapped column, read so that normalizing is exact. */
export function selectList(
  dialect: DialectName,
  plan: TablePlan,
): AliasedRawBuilder<unknown, string>[] {
  const columns = [plan.key, ...plan.columns.map((m) => m.column)];
  return [...new Map(columns.map((c) => [c.name, c])).values()].map((c) => {
    const ref = sql.ref(c.name);
    if (dialect === 'postgres' && c.kind === 'timestamp')
      return sql`(extract(epoch from ${ref}) * 1000)::float8`.as(c.name);
    if (
      dialect === 'postgres' &&
      ['date', 'number', 'json', 'enum', 'other', 'text'].includes(c.kind)
    )
      return sql`${ref}::text`.as(c.name);
    return sql`${ref}`.as(c.name);
  });
}

/** A scanned row in row space: key text and mapped values by column name. */
export function normalizeRow(
  plan: TablePlan,
  row: Record<string, unknown>,
): { key: string | null; values: RowValues } {
  const values: RowValues = {};
  for (const mapped of plan.columns)
    values[mapped.column.name] = normalizeMapped(mapped, row[mapped.column.name]);
  return { key: keyText(row[plan.key.name]), values };
}

/** Hash of a row in row space (key included). */
export function rowHash(key: string | null, values: RowValues): string {
  return hashValue({ key, values });
}

/** Reads rows through `db` (all of them, or those whose key is in `keys`). */
export async function readRows(
  db: UserDatabase,
  dialect: DialectName,
  plan: TablePlan,
  filter?: { keys?: string[]; changedSince?: string | null },
): Promise<Record<string, unknown>[]> {
  let query = db.selectFrom(plan.table).select(selectList(dialect, plan) as never);
  if (filter?.keys) {
    if (filter.keys.length === 0) return [];
    query = query.where(
      sql.ref(plan.key.name),
      'in',
      filter.keys.map((k) => keyParameter(plan.key, k)),
    );
  }
  if (filter?.changedSince && plan.updatedAt) {
    query = query.where(sql.ref(plan.updatedAt.name), '>=', filter.changedSince);
  }
  return (await query.execute()) as Record<string, unknown>[];
}

/**
 * A record's fields projected onto the mapped columns (row space). `complete` is false when a
 * relation names a page whose row is not known yet: those columns are left out.
 */
export function projectFields(
  plan: TablePlan,
  fields: Record<string, JsonValue>,
  keyOfPage: (table: string, pageId: string) => string | null,
): { values: RowValues; complete: boolean } {
  const values: RowValues = {};
  let complete = true;
  for (const mapped of plan.columns) {
    const value = propertyToRow(mapped, fields[mapped.property.id], keyOfPage);
    if (value === undefined) complete = false;
    else values[mapped.column.name] = value;
  }
  return { values, complete };
}
