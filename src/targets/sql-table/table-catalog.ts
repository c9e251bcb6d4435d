// Reads a user's table from the database catalog (never from the table's rows): its columns with
// a normalized kind, which columns are unique on their own, and its single-column foreign keys.
// Read-only: nothing here creates or alters anything.

import { sql } from 'kysely';
import type { DialectName, UserDatabase } from '../../store/index.ts';

/** What a column can hold, as far as mapping is concerned. */
export type ColumnKind =
  | 'text'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'json'
  | 'text_array'
  | 'enum'
  | 'other';

export interface TableColumn {
  name: string;
  kind: ColumnKind;
  /** The type as the database names it, for messages. */
  declared: string;
  notNull: boolean;
  hasDefault: boolean;
  /** An enum column's values, in their declared order (PostgreSQL). */
  options?: string[];
}

export interface ForeignKey {
  column: string;
  /** `schema.table` on PostgreSQL, `table` on SQLite. */
  table: string;
  referencedColumn: string;
}

export interface TableCatalog {
  /** `schema.table` on PostgreSQL, `table` on SQLite. */
  table: string;
  columns: TableColumn[];
  /** Columns with a primary key or a unique index on exactly that column. */
  uniqueColumns: string[];
  foreignKeys: ForeignKey[];
}

/** Splits `schema.table` (PostgreSQL default schema `public`). */
export function splitTableName(
  dialect: DialectName,
  name: string,
): { schema: string | null; table: string } {
  const dot = name.indexOf('.');
  if (dot < 0) return { schema: dialect === 'postgres' ? 'public' : null, table: name };
  return { schema: name.slice(0, dot), table: name.slice(dot + 1) };
}

function sqliteKind(declared: string): ColumnKind {
  const t = declared.toUpperCase();
  if (t.includes('BOOL')) return 'boolean';
  if (t.includes('JSON')) return 'json';
  if (t.includes('TIMESTAMP') || t.includes('DATETIME')) return 'timestamp';
  if (t.includes('DATE')) return 'date';
  if (t.includes('INT')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT') || t === '') return 'text';
  if (/REAL|FLOA|DOUB|NUM|DEC/.test(t)) return 'number';
  return 'other';
}

function postgresKind(dataType: string, udt: string, isEnum: boolean): ColumnKind {
  if (isEnum) return 'enum';
  if (dataType === 'ARRAY')
    return ['_text', '_varchar', '_bpchar'].includes(udt) ? 'text_array' : 'other';
  if (
    ['text', 'character varying', 'character', 'uuid', 'citext'].includes(dataType) ||
    udt === 'citext'
  )
    return 'text';
  if (['smallint', 'integer', 'bigint'].includes(dataType)) return 'integer';
  if (['numeric', 'real', 'double precision'].includes(dataType)) return 'number';
  if (dataType === 'boolean') return 'boolean';
  if (dataType === 'date') return 'date';
  if (dataType.startsWith('timestamp')) return 'timestamp';
  if (dataType === 'json' || dataType === 'jsonb') return 'json';
  return 'other';
}

async function readSqlite(db: UserDatabase, table: string): Promise<TableCatalog | null> {
  const columns = await sql<{
    name: string;
    type: string;
    notnull: number;
    dflt_value: unknown;
    pk: number;
  }>`
    select name, type, "notnull", dflt_value, pk from pragma_table_info(${table})`.execute(db);
  if (columns.rows.length === 0) return null;
  const pkColumns = columns.rows.filter((c) => c.pk > 0);
  const unique = new Set<string>(pkColumns.length === 1 ? [pkColumns[0]!.name] : []);
  const indexes = await sql<{ name: string; unique: number }>`
    select name, "unique" from pragma_index_list(${table})`.execute(db);
  for (const index of indexes.rows.filter((i) => i.unique === 1)) {
    const cols = await sql<{
      name: string;
    }>`select name from pragma_index_info(${index.name})`.execute(db);
    if (cols.rows.length === 1) unique.add(cols.rows[0]!.name);
  }
  const fks = await sql<{ from: string; table: string; to: string | null }>`
    select "from", "table", "to" from pragma_foreign_key_list(${table})`.execute(db);
  const singlePk = pkColumns.length === 1 ? pkColumns[0]!.name : null;
  return {
    table,
    columns: columns.rows.map((c) => ({
      name: c.name,
      kind: sqliteKind(c.type),
      declared: c.type || 'untyped',
      notNull: c.notnull === 1,
      // An INTEGER PRIMARY KEY is the rowid: SQLite fills it in.
      hasDefault:
        c.dflt_value !== null || (c.name === singlePk && c.type.toUpperCase() === 'INTEGER'),
    })),
    uniqueColumns: [...unique],
    foreignKeys: fks.rows.map((f) => ({
      column: f.from,
      table: f.table,
      referencedColumn: f.to ?? 'rowid',
    })),
  };
}

/** The labels of the named enum types (`schema.type`), in their declared order. */
async function readEnumLabels(db: UserDatabase, types: string[]): Promise<Map<string, string[]>> {
  const labels = new Map<string, string[]>();
  if (types.length === 0) return labels;
  const rows = await sql<{ type: string; label: string }>`
    select n.nspname || '.' || t.typname as type, e.enumlabel as label
    from pg_enum e join pg_type t on t.oid = e.enumtypid join pg_namespace n on n.oid = t.typnamespace
    where n.nspname || '.' || t.typname in (${sql.join(types)})
    order by 1, e.enumsortorder`.execute(db);
  for (const row of rows.rows) labels.set(row.type, [...(labels.get(row.type) ?? []), row.label]);
  return labels;
}

async function readPostgres(
  db: UserDatabase,
  schema: string,
  table: string,
): Promise<TableCatalog | null> {
  const columns = await sql<{
    name: string;
    data_type: string;
    udt_name: string;
    udt_schema: string;
    is_nullable: string;
    column_default: string | null;
    is_identity: string;
    is_enum: boolean;
  }>`
    select c.column_name as name, c.data_type, c.udt_name, c.udt_schema, c.is_nullable, c.column_default, c.is_identity,
      exists (select 1 from pg_type t where t.typname = c.udt_name and t.typtype = 'e') as is_enum
    from information_schema.columns c
    where c.table_schema = ${schema} and c.table_name = ${table}
    order by c.ordinal_position`.execute(db);
  if (columns.rows.length === 0) return null;
  const unique = await sql<{ column: string }>`
    select a.attname as column from pg_index i
    join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
    where n.nspname = ${schema} and c.relname = ${table} and i.indisunique and i.indnkeyatts = 1
      and i.indpred is null`.execute(db);
  const fks = await sql<{
    column: string;
    ref_schema: string;
    ref_table: string;
    ref_column: string;
  }>`
    select a.attname as column, rn.nspname as ref_schema, rc.relname as ref_table, ra.attname as ref_column
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_class rc on rc.oid = k.confrelid join pg_namespace rn on rn.oid = rc.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum = k.conkey[1]
    join pg_attribute ra on ra.attrelid = rc.oid and ra.attnum = k.confkey[1]
    where k.contype = 'f' and n.nspname = ${schema} and c.relname = ${table}
      and array_length(k.conkey, 1) = 1`.execute(db);
  const enums = await readEnumLabels(
    db,
    columns.rows.filter((c) => c.is_enum).map((c) => `${c.udt_schema}.${c.udt_name}`),
  );
  return {
    table: `${schema}.${table}`,
    columns: columns.rows.map((c) => ({
      name: c.name,
      kind: postgresKind(c.data_type, c.udt_name, c.is_enum),
      declared:
        c.data_type === 'USER-DEFINED' || c.data_type === 'ARRAY' ? c.udt_name : c.data_type,
      notNull: c.is_nullable === 'NO',
      hasDefault: c.column_default !== null || c.is_identity === 'YES',
      ...(c.is_enum ? { options: enums.get(`${c.udt_schema}.${c.udt_name}`) ?? [] } : {}),
    })),
    uniqueColumns: unique.rows.map((r) => r.column),
    foreignKeys: fks.rows.map((f) => ({
      column: f.column,
      table: `${f.ref_schema}.${f.ref_table}`,
      referencedColumn: f.ref_column,
    })),
  };
}

/** The table's catalog entry, or null when there is no such table. */
export async function readTableCatalog(
  db: UserDatabase,
  dialect: DialectName,
  name: string,
): Promise<TableCatalog | null> {
  const { schema, table } = splitTableName(dialect, name);
  return dialect === 'sqlite' ? readSqlite(db, table) : readPostgres(db, schema!, table);
}
