import type { JsonObject, JsonValue, PageRecord, PropertySchema } from '../state.ts';
import type { Workspace } from '../workspace.ts';
import { computeValue, dataSourceOf, PAGE_REFERENCE_LIMIT } from './render-value.ts';

function isEmpty(value: JsonValue): boolean {
  if (value === null || value === '' || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') {
    const inner = value as JsonObject;
    if ('prefix' in inner && 'number' in inner) return inner.number === null;
    if (typeof inner.type === 'string' && inner.type in inner)
      return isEmpty(inner[inner.type] ?? null);
  }
  return false;
}

function numberOf(value: JsonValue): number | undefined {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (typeof value.number === 'number') return value.number;
  }
  return undefined;
}

function dateOf(value: JsonValue): number | undefined {
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (typeof value.start === 'string') return Date.parse(value.start);
    if (value.type === 'date' && value.date) return dateOf(value.date);
  }
  return undefined;
}

function numeric(fn: string, values: number[]): number | null {
  if (values.length === 0) return fn === 'sum' ? 0 : null;
  const sorted = [...values].sort((a, b) => a - b);
  switch (fn) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'median': {
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    }
    case 'min':
      return sorted[0]!;
    case 'max':
      return sorted.at(-1)!;
    default:
      return sorted.at(-1)! - sorted[0]!;
  }
}

/** A rollup over the related pages (the first 25 when `truncate`, as in page objects). */
export function computeRollup(
  ws: Workspace,
  page: PageRecord,
  schema: PropertySchema,
  depth: number,
  truncate = true,
): JsonValue {
  const fn = String(schema.config.function ?? 'show_original');
  const relationId = String(schema.config.relation_property_id ?? '');
  const targetId = String(schema.config.rollup_property_id ?? '');
  const all = Array.isArray(page.properties[relationId])
    ? (page.properties[relationId] as string[])
    : [];
  // Page objects roll up over the first 25 relations; the property item endpoint over all.
  const related = truncate ? all.slice(0, PAGE_REFERENCE_LIMIT) : all;
  const items: { type: string; value: JsonValue }[] = [];
  for (const id of related) {
    const target = ws.state.pages[id];
    if (!target || target.inTrash) continue;
    const targetSchema = dataSourceOf(ws, target)?.properties[targetId];
    if (!targetSchema) continue;
    items.push({
      type: targetSchema.type,
      value: computeValue(ws, target, targetSchema, { truncate: false, depth: depth + 1 }),
    });
  }
  const values = items.map((i) => i.value);
  const number = (n: number | null): JsonObject => ({ type: 'number', number: n, function: fn });
  const share = (count: number) => number(values.length === 0 ? 0 : count / values.length);
  switch (fn) {
    case 'show_original':
    case 'show_unique': {
      const seen = new Set<string>();
      const array = items
        .filter(
          (i) =>
            fn === 'show_original' ||
            (!seen.has(JSON.stringify(i.value)) && seen.add(JSON.stringify(i.value))),
        )
        .map((i) => ({ type: i.type, [i.type]: i.value }));
      return { type: 'array', array, function: fn };
    }
    case 'count':
      return number(values.length);
    case 'count_values':
      return number(
        values.reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : isEmpty(v) ? 0 : 1), 0),
      );
    case 'empty':
      return number(values.filter(isEmpty).length);
    case 'not_empty':
      return number(values.filter((v) => !isEmpty(v)).length);
    case 'unique':
      return number(new Set(values.filter((v) => !isEmpty(v)).map((v) => JSON.stringify(v))).size);
    case 'percent_empty':
      return share(values.filter(isEmpty).length);
    case 'percent_not_empty':
      return share(values.filter((v) => !isEmpty(v)).length);
    case 'checked':
    case 'unchecked':
    case 'percent_checked':
    case 'percent_unchecked': {
      const checked = values.filter((v) => v === true).length;
      const count = fn.endsWith('unchecked') ? values.length - checked : checked;
      return fn.startsWith('percent') ? share(count) : number(count);
    }
    case 'sum':
    case 'average':
    case 'median':
    case 'min':
    case 'max':
    case 'range':
      return number(
        numeric(
          fn,
          values.map(numberOf).filter((n): n is number => n !== undefined),
        ),
      );
    case 'earliest_date':
    case 'latest_date':
    case 'date_range': {
      const dates = values
        .map(dateOf)
        .filter((d): d is number => d !== undefined && !Number.isNaN(d))
        .sort((a, b) => a - b);
      if (dates.length === 0) return { type: 'date', date: null, function: fn };
      if (fn === 'date_range') {
        return {
          type: 'date',
          date: {
            start: new Date(dates[0]!).toISOString(),
            end: new Date(dates.at(-1)!).toISOString(),
            time_zone: null,
          },
          function: fn,
        };
      }
      const pick = fn === 'earliest_date' ? dates[0]! : dates.at(-1)!;
      return {
        type: 'date',
        date: { start: new Date(pick).toISOString(), end: null, time_zone: null },
        function: fn,
      };
    }
    default:
      return { type: 'unsupported', unsupported: {}, function: fn };
  }
}
