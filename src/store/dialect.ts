// The small interface each database engine implements (kysely style: one file per dialect).
// Everything dialect-specific — connection setup, names, transactions, triggers, JSON access in
// views — lives behind it, so repositories are written once and tested on both engines.
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Database, EngineTable } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

/** PostgreSQL schema of the engine tables when the store URL names none. Here rather than in the
 * PostgreSQL dialect so a SQLite store never loads `pg`. */
export const DEFAULT_POSTGRES_SCHEMA = 'notion_sync';

export interface MigrationTableOptions {
  migrationTableName: string;
  migrationTableSchema?: string;
}

/**
 * One statement applied to a list of rows (the hot writes of a pull batch): `sql` wraps the
 * VALUES list; `tuple` is one row's expressions, each holding exactly one `?`.
 */
export interface ValuesStatement {
  sql: (values: string) => string;
  tuple: readonly string[];
}

export interface StoreDialect {
  readonly name: DialectName;
  /** Kysely bound to the engine namespace: logical table names resolve to the engine's tables. */
  readonly db: Kysely<Database>;
  /** Where the engine tables and views live, for messages: `ns_* tables` or `schema notion_sync`. */
  readonly namespace: string;
  readonly migrationTables: MigrationTableOptions;
  /** Column type of JSON columns. */
  readonly jsonType: 'text' | 'jsonb';
  /**
   * First step of the migration transaction: takes the lock that serializes migrations between
   * processes (held until the transaction ends) and creates the namespace.
   */
  prepare(trx: Kysely<Database>): Promise<void>;
  /** Runs `fn` in one write transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs `statement` for `rows` (one parameter list per row, in `tuple` order) inside `trx`'s
   * transaction, as ONE multi-row statement, and returns what it returns. Plain SQL, not built
   * through Kysely's query builder: a pull runs these for every batch, and building them node by
   * node cost more than executing them. Keep `rows × tuple` under 30,000 parameters.
   */
  executeValues(
    trx: Kysely<Database>,
    statement: ValuesStatement,
    rows: readonly (readonly unknown[])[],
  ): Promise<Record<string, unknown>[]>;
  /** Declares an auto-increment integer primary key. */
  primaryKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** Fully qualified, quoted name of an engine table for raw SQL. */
  tableRef(table: EngineTable): string;
  /** Fully qualified, quoted name of a user-facing view. */
  viewRef(name: string): string;
  /** Statements that make `versions` append-only (triggers). */
  appendOnlyStatements(): string[];
  /** Opens (or closes) the retention path inside a transaction, letting janitor delete versions. */
  setRetentionAllowed(trx: Kysely<Database>, allowed: boolean): Promise<void>;
  /** SQL expression reading property `propertyId` of type `type` from `<alias>.fields`. */
  fieldExpression(alias: string, propertyId: string, type: string): string;
  /** Names of objects in the engine namespace that are not views (tables, indexes, …). */
  relationKind(name: string, trx: Kysely<Database>): Promise<'view' | 'other' | null>;
  /** Whether the namespace holds the engine's migration table (a store was created here). */
  isInitialized(): Promise<boolean>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** Doubles quotes so `value` is a safe SQL identifier inside double quotes. */
export function quoteIdentifier(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/** Doubles single quotes so `value` is a safe SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
