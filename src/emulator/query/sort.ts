import { bodyValidationError, validationError } from '../errors.ts';
import { findSchema } from '../properties/values.ts';
import { isObject } from '../rich-text.ts';
import type { DataSourceRecord, PageRecord } from '../state.ts';
import type { Workspace } from '../workspace.ts';
import { type Comparable, createComparableReader, timestampComparable } from './filter-values.ts';

type SortKey = string | number | null;

function keyOf(c: Comparable): SortKey {
  switch (c.kind) {
    case 'text':
      return c.value === '' ? null : c.value.toLowerCase();
    case 'number':
      return c.value;
    case 'checkbox':
      return c.value ? 1 : 0;
    case 'option':
      return c.value;
    case 'options':
      return c.value[0] ?? null;
    case 'date':
      return c.value
        ? Date.parse(c.value.start.length === 10 ? `${c.value.start}T00:00:00Z` : c.value.start)
        : null;
    case 'ids':
      return c.value.length === 0 ? null : c.value.length;
    case 'formula':
    case 'rollup': {
      const inner = c.value[String(c.value.type)];
      if (typeof inner === 'number' || typeof inner === 'string') return inner;
      if (typeof inner === 'boolean') return inner ? 1 : 0;
      if (isObject(inner) && typeof inner.start === 'string') return Date.parse(inner.start);
      return null;
    }
    default:
      return null;
  }
}

export interface CompiledSort {
  keys(page: PageRecord): SortKey;
  direction: 1 | -1;
}

export function compileSorts(ws: Workspace, ds: DataSourceRecord, sorts: unknown): CompiledSort[] {
  if (sorts === undefined) return [];
  if (!Array.isArray(sorts)) throw bodyValidationError('body.sorts', 'should be an array');
  if (sorts.length > 100)
    throw bodyValidationError(
      'body.sorts.length',
      `should be ≤ \`100\`, instead was \`${sorts.length}\``,
    );
  return sorts.map((sort, i) => {
    const path = `body.sorts[${i}]`;
    if (!isObject(sort)) throw bodyValidationError(path, 'should be an object');
    if (sort.direction !== 'ascending' && sort.direction !== 'descending') {
      throw bodyValidationError(`${path}.direction`, 'should be `"ascending"` or `"descending"`');
    }
    const direction = sort.direction === 'ascending' ? 1 : -1;
    if (sort.timestamp !== undefined) {
      const ts = sort.timestamp;
      if (ts !== 'created_time' && ts !== 'last_edited_time')
        throw bodyValidationError(
          `${path}.timestamp`,
          'should be created_time or last_edited_time',
        );
      return { keys: (page: PageRecord) => keyOf(timestampComparable(page, ts)), direction };
    }
    if (typeof sort.property !== 'string')
      throw bodyValidationError(`${path}.property`, 'should be defined');
    const schema = findSchema(ds, sort.property);
    if (!schema)
      throw validationError(`Could not find sort property with name or id: ${sort.property}`);
    const read = createComparableReader(ws, schema);
    if (schema.type === 'select' || schema.type === 'status') {
      // Notion orders options by their position in the schema, not by name.
      const order = new Map(
        ((schema.config.options ?? []) as { name?: unknown }[]).map((o, index) => [o.name, index]),
      );
      return {
        keys: (page: PageRecord) => {
          const name = read(page).value;
          return name === null ? null : (order.get(name as string) ?? null);
        },
        direction,
      };
    }
    return { keys: (page: PageRecord) => keyOf(read(page)), direction };
  });
}

/** Sorts rows by precomputed keys (O(n log n)); empty values go last; ties keep row order. */
export function sortRows(rows: PageRecord[], sorts: readonly CompiledSort[]): PageRecord[] {
  if (sorts.length === 0) return rows;
  const decorated = rows.map((page, index) => ({
    page,
    index,
    keys: sorts.map((s) => s.keys(page)),
  }));
  decorated.sort((a, b) => {
    for (let i = 0; i < sorts.length; i += 1) {
      const x = a.keys[i] ?? null;
      const y = b.keys[i] ?? null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const direction = sorts[i]?.direction ?? 1;
      return (x < y ? -1 : 1) * direction;
    }
    return a.index - b.index;
  });
  return decorated.map((d) => d.page);
}
