// Child process of the SQLite read-only SQL runner: opens the store file read-only with
// node:sqlite and runs one statement under an authorizer that allows reading the listed views
// (and the engine tables only through them) and nothing else. Imports nothing of the engine, so
// it starts fast; the parent kills it when a statement outlives its time limit.
import { constants, DatabaseSync } from 'node:sqlite';

interface Request {
  id: number;
  path: string;
  sql: string;
  views: string[];
  maxRows: number;
}

const opened = new Map<string, DatabaseSync>();

function database(path: string): DatabaseSync {
  let db = opened.get(path);
  if (!db) {
    db = new DatabaseSync(path, { readOnly: true, timeout: 5000 });
    opened.set(path, db);
  }
  return db;
}

// Engine tables a source view reads; a view read can count their rows without naming a column.
const VIEW_BASE_TABLES = new Set(['ns_records', 'ns_versions']);
// Built-in virtual tables that expose the schema or raw pages (never readable).
const INTERNAL = /^(sqlite_|pragma_|dbstat$)/i;

/** Names of the database's real tables and views (anything else a statement reads is a CTE). */
function schemaObjects(db: DatabaseSync): Set<string> {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").all();
  return new Set(rows.map((r) => String((r as { name: unknown }).name)));
}

function authorizer(views: Set<string>, objects: Set<string>, denied: string[]) {
  return (
    action: number,
    table: string | null,
    column: string | null,
    _db: string | null,
    inner: string | null,
  ) => {
    switch (action) {
      case constants.SQLITE_SELECT:
      case constants.SQLITE_FUNCTION:
      case constants.SQLITE_RECURSIVE:
        return constants.SQLITE_OK;
      case constants.SQLITE_READ:
        if (table !== null && views.has(table)) return constants.SQLITE_OK;
        if (inner !== null && views.has(inner)) return constants.SQLITE_OK;
        if (column === '' && table !== null && VIEW_BASE_TABLES.has(table))
          return constants.SQLITE_OK;
        // A common table expression: what it reads is authorized on its own.
        if (table !== null && !objects.has(table) && !INTERNAL.test(table))
          return constants.SQLITE_OK;
        denied.push(`reading ${table ?? '?'}`);
        return constants.SQLITE_DENY;
      default:
        denied.push(`action ${action}${table ? ` on ${table}` : ''}`);
        return constants.SQLITE_DENY;
    }
  };
}

function run(request: Request) {
  const db = database(request.path);
  const denied: string[] = [];
  db.setAuthorizer(authorizer(new Set(request.views), schemaObjects(db), denied));
  try {
    const statement = db.prepare(request.sql);
    const columns = statement.columns().map((c) => c.name);
    const rows: unknown[] = [];
    let truncated = false;
    for (const row of statement.iterate()) {
      if (rows.length >= request.maxRows) {
        truncated = true;
        break;
      }
      rows.push(row);
    }
    return { id: request.id, ok: true, columns, rows, truncated };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { id: request.id, ok: false, denied, message };
  } finally {
    db.setAuthorizer(null);
  }
}

process.on('message', (request: Request) => {
  process.send?.(run(request));
});
