// Rows of one source, read from its view (the current version of each live record): filters on
// properties (equals, contains, ranges, empty), a sort and offset paging. Property names are
// resolved against the source's schema; values are bound parameters, never spliced into SQL.
import { type RawBuilder, sql } from 'kysely';
import { NotionSyncError } from '../errors.ts';
import { findClosest } from '../shared/index.ts';
import { quoteIdentifier } from './dialect.ts';
import type { RepositoryContext } from './repository-context.ts';
import { planViewColumns } from './source-views.ts';
import type { JsonValue, Source } from './store-types.ts';

export type RowFilterOp =
  | 'equals'
  | 'not_equals'
  | 'contains'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'is_empty'
  | 'is_not_empty';

export interface RowFilter {
  /** Property name (or its view column). */
  property: string;
  op: RowFilterOp;
  value?: string | number | boolean | null | undefined;
}

export interface RowQuery {
  filters?: RowFilter[];
  sort?: { property: string; direction?: 'asc' | 'desc' | undefined }[];
  limit: number;
  offset?: number;
  /** Also count every matching row (a scan of the whole source; off by default). */
  withTotal?: boolean;
}

export interface RowPage {
  /** Values keyed by property name, plus `_page_id`, `_last_edited_time`, … */
  rows: Record<string, JsonValue>[];
  /** Matching rows in all, when asked with `withTotal`. */
  total: number | null;
  /** More rows match after this page. */
  hasMore: boolean;
}

export interface SourceRowsRepository {
  query(source: Source, query: RowQuery): Promise<RowPage>;
}

const META = [
  '_page_id',
  '_local_key',
  '_version',
  '_origin',
  '_last_edited_time',
  '_created_time',
  '_synced_at',
];
const STRING_TYPES = new Set([
  'title',
  'rich_text',
  'select',
  'status',
  'url',
  'email',
  'phone_number',
]);

interface Column {
  column: string;
  name: string;
  type: string;
}

function columnsOf(source: Source): Column[] {
  return [
    ...META.map((m) => ({ column: m, name: m, type: 'meta' })),
    ...planViewColumns(source).map((c) => ({
      column: c.column,
      type: c.type,
      name: source.schema.properties[c.propertyId]?.name ?? c.column,
    })),
  ];
}

function findColumn(source: Source, columns: Column[], name: string): Column {
  const found = columns.find((c) => c.name === name) ?? columns.find((c) => c.column === name);
  if (found) return found;
  const closest = findClosest(
    name,
    columns.map((c) => c.name),
  );
  throw new NotionSyncError(
    'value_invalid',
    `Source "${source.name}" has no property "${name}".${closest ? ` Did you mean "${closest}"?` : ''} Known: ${columns
      .filter((c) => c.type !== 'meta')
      .map((c) => c.name)
      .join(', ')}.`,
    { details: { source: source.name, property: name, ...(closest ? { closest } : {}) } },
  );
}

function filterSql(ctx: RepositoryContext, column: Column, filter: RowFilter): RawBuilder<unknown> {
  const pg = ctx.dialect.name === 'postgres';
  const ref = sql.raw(`v.${quoteIdentifier(column.column)}`);
  // Dates compare by their start; everything else by the column's own value.
  const value =
    column.type === 'date'
      ? pg
        ? sql`(${ref}::jsonb ->> 'start')`
        : sql`json_extract(${ref}, '$.start')`
      : ref;
  const text = pg ? sql`lower(${ref}::text)` : sql`lower(cast(${ref} as text))`;
  let bound: unknown = filter.value ?? null;
  if (column.type === 'checkbox' && !pg && typeof bound === 'boolean') bound = bound ? 1 : 0;
  switch (filter.op) {
    case 'is_empty':
      return sql`(${ref} is null or cast(${ref} as text) in ('', '[]'))`;
    case 'is_not_empty':
      return sql`(${ref} is not null and cast(${ref} as text) not in ('', '[]'))`;
    case 'contains':
      return pg
        ? sql`strpos(${text}, lower(${String(bound)})) > 0`
        : sql`instr(${text}, lower(${String(bound)})) > 0`;
    case 'equals':
      return sql`${value} = ${bound}`;
    case 'not_equals':
      return sql`(${value} is null or ${value} <> ${bound})`;
    default: {
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[filter.op];
      return sql`${value} ${sql.raw(op)} ${bound}`;
    }
  }
}

function decode(column: Column, value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (column.type === 'number') return Number(value);
  if (column.type === 'checkbox') return value === true || value === 1 || value === '1';
  if (column.type === 'meta' || STRING_TYPES.has(column.type) || typeof value !== 'string') {
    return typeof value === 'bigint' ? Number(value) : (value as JsonValue);
  }
  try {
    return JSON.parse(value) as JsonValue;
  } catch {
    return value;
  }
}

async function countRows(
  ctx: RepositoryContext,
  view: RawBuilder<unknown>,
  whereSql: RawBuilder<unknown>,
): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*) as n from ${view} v ${whereSql}`.execute(ctx.dialect.db);
  return Number(rows[0]?.n ?? 0);
}

export function createSourceRowsRepository(ctx: RepositoryContext): SourceRowsRepository {
  return {
    async query(source, query) {
      if (source.viewName === null) return { rows: [], total: 0, hasMore: false };
      const columns = columnsOf(source);
      const view = sql.raw(ctx.dialect.viewRef(source.viewName));
      const where = (query.filters ?? []).map((f) =>
        filterSql(ctx, findColumn(source, columns, f.property), f),
      );
      const whereSql = where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``;
      const order = (query.sort ?? []).map((s) => {
        const c = findColumn(source, columns, s.property);
        return sql.raw(`v.${quoteIdentifier(c.column)} ${s.direction === 'desc' ? 'desc' : 'asc'}`);
      });
      order.push(sql.raw('v."_page_id" asc'));
      const db = ctx.dialect.db;
      // Two steps: the page ids of the answer (one more, to know whether more follow) without
      // reading every column of every matching row, then the full rows of just that page.
      const { rows: found } = await sql<{ page_id: string }>`
        select v."_page_id" as page_id from ${view} v ${whereSql}
        order by ${sql.join(order)} limit ${query.limit + 1} offset ${query.offset ?? 0}`.execute(
        db,
      );
      const ids = found.slice(0, query.limit);
      const hasMore = found.length > query.limit;
      const total = query.withTotal ? await countRows(ctx, view, whereSql) : null;
      if (ids.length === 0) return { rows: [], total, hasMore };
      const { rows } = await sql<Record<string, unknown>>`
        select * from ${view} v where v."_page_id" in (${sql.join(ids.map((r) => r.page_id))})`.execute(
        db,
      );
      const byId = new Map(rows.map((row) => [String(row._page_id), row]));
      return {
        total,
        hasMore,
        rows: ids.map((id) => {
          const row = byId.get(id.page_id) ?? {};
          return Object.fromEntries(columns.map((c) => [c.name, decode(c, row[c.column])]));
        }),
      };
    },
  };
}
