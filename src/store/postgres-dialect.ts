// PostgreSQL through a pg Pool. Every engine table and per-source view lives in its own schema
// (`notion_sync` by default), created on open; the user's schemas are never touched. int8 comes
// back as a JS number (ids stay far below 2^53) and json/jsonb as text, parsed at the edge.
import {
  type ColumnDefinitionBuilder,
  Kysely,
  PostgresDialect,
  sql,
  WithSchemaPlugin,
} from 'kysely';
import pg from 'pg';
import { NotionSyncError } from '../errors.ts';
import {
  DEFAULT_POSTGRES_SCHEMA,
  quoteIdentifier,
  quoteLiteral,
  type StoreDialect,
} from './dialect.ts';
import type { Database, EngineTable } from './schema.ts';

const RETENTION_SETTING = 'notion_sync.allow_prune';
const INT8_OID = 20;
/** First key of the advisory lock that serializes migrations (the second is the schema's hash). */
const MIGRATION_LOCK_KEY = 0x6e73; // "ns"
const JSON_OIDS = new Set([114, 3802]);

export interface PostgresDialectOptions {
  connectionString: string;
  /** Schema holding the engine tables and views; `notion_sync` by default. */
  schema?: string;
  /** Pool size; 10 by default. */
  maxConnections?: number;
}

const getTypeParser = ((oid: number, format?: 'text' | 'binary') => {
  if (oid === INT8_OID) return (value: string) => Number(value);
  if (JSON_OIDS.has(oid)) return (value: string) => value;
  return pg.types.getTypeParser(oid, format ?? 'text');
}) as typeof pg.types.getTypeParser;

/** A pg pool with the engine's type parsers (int8 as number, json as text). */
export function createPostgresPool(connectionString: string, maxConnections = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: maxConnections, types: { getTypeParser } });
  return survivingIdleErrors(pool);
}

/**
 * An idle connection the server ends (a restart, `pg_terminate_backend`, a network cut) makes
 * the pool emit `error`; unheard, that ends the process. The pool has already dropped that
 * connection and opens a new one for the next query, so a lost database pauses work instead.
 */
export function survivingIdleErrors(pool: pg.Pool): pg.Pool {
  pool.on('error', () => {});
  return pool;
}

/** Connects to PostgreSQL (lazily, through a pool) as a store dialect. */
export function createPostgresDialect(options: PostgresDialectOptions): StoreDialect {
  const schema = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new NotionSyncError(
      'store_invalid_url',
      `PostgreSQL schema name "${schema}" is not usable: use letters, digits and _ (e.g. notion_sync).`,
      { details: { schema } },
    );
  }
  const pool = createPostgresPool(options.connectionString, options.maxConnections);
  const base = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const db = base.withPlugin(new WithSchemaPlugin(schema));
  const q = quoteIdentifier;
  const tableRef = (table: EngineTable) => `${q(schema)}.${q(table)}`;

  return {
    name: 'postgres',
    db,
    namespace: `schema ${schema}`,
    migrationTables: {
      migrationTableName: 'migrations',
      migrationTableSchema: schema,
    },
    jsonType: 'jsonb',
    prepare: async (trx) => {
      try {
        // Released at commit or rollback; keyed by schema so stores in other schemas never wait.
        await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}, hashtext(${schema}))`.execute(
          trx,
        );
        await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`).execute(trx);
      } catch (cause) {
        throw new NotionSyncError(
          'store_error',
          `Cannot prepare PostgreSQL schema ${schema}: check the store URL, that the server is reachable and that the user may create schemas.`,
          { details: { schema }, cause },
        );
      }
    },
    transaction: (fn) => db.transaction().execute(fn),
    primaryKey: (column: ColumnDefinitionBuilder) =>
      column.primaryKey().generatedByDefaultAsIdentity(),
    tableRef,
    viewRef: (name) => `${q(schema)}.${q(name)}`,
    appendOnlyStatements: () => {
      const fn = `${q(schema)}.${q('versions_append_only')}`;
      return [
        `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('${RETENTION_SETTING}', true), '') = 'on' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'notion-sync: versions are append-only (% refused)', TG_OP
    USING ERRCODE = 'P0001';
END $$`,
        `CREATE TRIGGER versions_append_only BEFORE UPDATE OR DELETE ON ${tableRef('versions')} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
        `CREATE TRIGGER versions_no_truncate BEFORE TRUNCATE ON ${tableRef('versions')} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
      ];
    },
    setRetentionAllowed: async (trx, allowed) => {
      await sql`select set_config(${RETENTION_SETTING}, ${allowed ? 'on' : 'off'}, true)`.execute(
        trx,
      );
    },
    fieldExpression: (alias, propertyId, type) => {
      const key = quoteLiteral(propertyId);
      const json = `${alias}.fields -> ${key}`;
      const text = `${alias}.fields ->> ${key}`;
      if (type === 'number') {
        return `CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${text})::numeric END`;
      }
      if (type === 'checkbox') {
        return `CASE WHEN jsonb_typeof(${json}) = 'boolean' THEN (${text})::boolean END`;
      }
      return text;
    },
    relationKind: async (name, trx) => {
      const { rows } = await sql<{ relkind: string }>`
        select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${schema} and c.relname = ${name}`.execute(trx);
      const kind = rows[0]?.relkind;
      return kind === undefined ? null : kind === 'v' ? 'view' : 'other';
    },
    isInitialized: async () => {
      const { rows } = await sql<{ found: string | null }>`
        select to_regclass(${`${q(schema)}.${q('migrations')}`})::text as found`.execute(base);
      return rows[0]?.found != null;
    },
    close: () => base.destroy(),
  };
}
