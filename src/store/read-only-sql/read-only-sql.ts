// One read-only SELECT over the per-source views, for agents (`query` with `sql`). The database
// enforces it, not the text check below (which only gives a clear reason early): SQLite runs the
// statement in a child process on a read-only connection whose authorizer allows reading the
// source views and nothing else, killed when the time limit passes; PostgreSQL runs it in a
// READ ONLY transaction with `statement_timeout`, as a role that may only SELECT the views. The
// engine's tables (outbox, encrypted tokens, …) are never readable this way.
import { NotionSyncError } from '../../errors.ts';
import type { JsonValue } from '../store-types.ts';

export interface ReadOnlySqlOptions {
  /** Views the statement may read (each source's `<view>` and `<view>_all`). */
  views: string[];
  /** Rows returned at most; `truncated` says there were more. */
  maxRows: number;
  timeoutMs: number;
}

export interface ReadOnlySqlResult {
  columns: string[];
  rows: Record<string, JsonValue>[];
  truncated: boolean;
}

export interface ReadOnlySqlRunner {
  run(query: string, options: ReadOnlySqlOptions): Promise<ReadOnlySqlResult>;
  close(): Promise<void>;
}

export function sqlRefused(reason: string, details: Record<string, unknown> = {}): NotionSyncError {
  return new NotionSyncError('sql_refused', `The SQL was refused: ${reason}`, { details });
}

/** Blanks out string literals, quoted identifiers and comments, keeping the length. */
function maskLiterals(query: string): string {
  return query.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\//g, (m) =>
    ' '.repeat(m.length),
  );
}

/**
 * The statement without trailing semicolons; `sql_refused` for several statements or one that
 * is not a SELECT (or WITH … SELECT). The database enforces the same again.
 */
export function checkSelectShape(query: string): string {
  const masked = maskLiterals(query);
  const end = masked.replace(/[\s;]+$/, '').length;
  const body = query.slice(0, end);
  if (masked.slice(0, end).includes(';')) {
    throw sqlRefused('it holds several statements; send one SELECT without `;` chaining.');
  }
  if (!/^\s*(select|with|values)\b/i.test(masked)) {
    throw sqlRefused('only a read-only SELECT over the source views is allowed.');
  }
  if (
    /\b(attach|detach|pragma|insert|update|delete|drop|create|alter|replace|vacuum)\b/i.test(
      masked.slice(0, end),
    )
  ) {
    throw sqlRefused('it writes or changes the database; only a read-only SELECT is allowed.');
  }
  return body;
}

/** JSON-safe copy of a driver value. */
export function jsonCell(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (typeof value === 'object') return JSON.parse(JSON.stringify(value)) as JsonValue;
  return value as JsonValue;
}
