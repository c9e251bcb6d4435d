// Migration 0002: what the MCP server keeps in the store — a full-text index of each live
// record's current title and Markdown (SQLite FTS5 / PostgreSQL tsvector), staged edits (agent
// proposals waiting for approval: not versions, not in the views) and the audit of tool calls.
// The index is maintained by triggers on `records`, so it changes in the very transaction that
// moves a record's current version or tombstone (a pull batch, a local edit, a restore): it can
// never describe a state the store did not commit.
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreDialect } from '../dialect.ts';
import type { Database } from '../schema.ts';

/** Migration 0002 for `dialect`: search index (+ triggers and backfill), staged edits, MCP calls. */
export function createMcpMigration(dialect: StoreDialect): Migration {
  const idType = dialect.name === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as unknown as Kysely<Database>;
      await db.schema
        .createTable('staged_edits')
        .addColumn('id', idType, (c) => dialect.primaryKey(c))
        .addColumn('source_id', idType, (c) => c.notNull().references('sources.id'))
        .addColumn('record_id', idType, (c) => c.references('records.id'))
        .addColumn('op', 'text', (c) => c.notNull())
        .addColumn('values_json', dialect.jsonType, (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('staged_by', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('outbox_id', idType)
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('staged_edits_state')
        .on('staged_edits')
        .columns(['state', 'id'])
        .execute();
      await db.schema
        .createTable('mcp_calls')
        .addColumn('id', idType, (c) => dialect.primaryKey(c))
        .addColumn('tool', 'text', (c) => c.notNull())
        .addColumn('args_json', dialect.jsonType, (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('result_bytes', 'integer', (c) => c.notNull())
        .addColumn('error_code', 'text')
        .addColumn('called_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('mcp_calls_called_at')
        .on('mcp_calls')
        .column('called_at')
        .execute();
      const statements =
        dialect.name === 'sqlite'
          ? sqliteSearchStatements(dialect)
          : postgresSearchStatements(dialect);
      for (const statement of statements) await sql.raw(statement).execute(db);
    },
  };
}

function sqliteSearchStatements(dialect: StoreDialect): string[] {
  const search = dialect.tableRef('search_index');
  const records = dialect.tableRef('records');
  const versions = dialect.tableRef('versions');
  const sources = dialect.tableRef('sources');
  // The title is the value of the source's title property (its id read from the schema snapshot).
  const title = (r: string) =>
    `(SELECT json_extract(v.fields, '$."' || p.key || '"') FROM ${sources} s, json_each(s.schema_json, '$.properties') p ` +
    `WHERE s.id = ${r}.source_id AND json_extract(p.value, '$.type') = 'title' LIMIT 1)`;
  const insert = (r: string) =>
    `INSERT INTO ${search}(rowid, source_id, title, body) SELECT ${r}.id, ${r}.source_id, coalesce(${title(r)}, ''), coalesce(v.content, '') ` +
    `FROM ${versions} v WHERE v.id = ${r}.current_version_id AND ${r}.tombstone IS NULL`;
  const changed =
    'new.current_version_id IS NOT old.current_version_id OR new.tombstone IS NOT old.tombstone';
  return [
    `CREATE VIRTUAL TABLE ${search} USING fts5(source_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')`,
    `CREATE TRIGGER "ns_search_index_insert" AFTER INSERT ON ${records} BEGIN ${insert('new')}; END`,
    `CREATE TRIGGER "ns_search_index_update" AFTER UPDATE ON ${records} WHEN ${changed} BEGIN ` +
      `DELETE FROM ${search} WHERE rowid = old.id; ${insert('new')}; END`,
    `CREATE TRIGGER "ns_search_index_delete" AFTER DELETE ON ${records} BEGIN DELETE FROM ${search} WHERE rowid = old.id; END`,
    `${insert('r')}`.replace(`FROM ${versions} v`, `FROM ${records} r JOIN ${versions} v ON true`),
  ];
}

function postgresSearchStatements(dialect: StoreDialect): string[] {
  const search = dialect.tableRef('search_index');
  const records = dialect.tableRef('records');
  const versions = dialect.tableRef('versions');
  const sources = dialect.tableRef('sources');
  const fn = dialect.tableRef('records').replace(/"records"$/, '"search_index_refresh"');
  const title = (r: string) =>
    `(SELECT v.fields ->> p.key FROM ${sources} s, jsonb_each(s.schema_json -> 'properties') p ` +
    `WHERE s.id = ${r}.source_id AND p.value ->> 'type' = 'title' LIMIT 1)`;
  const select = (r: string) =>
    `SELECT ${r}.id, ${r}.source_id, coalesce(${title(r)}, ''), coalesce(v.content, '') ` +
    `FROM ${versions} v WHERE v.id = ${r}.current_version_id AND ${r}.tombstone IS NULL`;
  return [
    `CREATE TABLE ${search} (record_id bigint PRIMARY KEY, source_id bigint NOT NULL, title text NOT NULL, body text NOT NULL, ` +
      `tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', left(body, 500000)), 'B')) STORED)`,
    `CREATE INDEX search_index_tsv ON ${search} USING gin (tsv)`,
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ` +
      `IF TG_OP <> 'INSERT' THEN DELETE FROM ${search} WHERE record_id = OLD.id; END IF; ` +
      `IF TG_OP <> 'DELETE' THEN INSERT INTO ${search}(record_id, source_id, title, body) ${select('NEW')}; END IF; ` +
      'RETURN NULL; END $$',
    `CREATE TRIGGER search_index_insert AFTER INSERT OR DELETE ON ${records} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    `CREATE TRIGGER search_index_update AFTER UPDATE ON ${records} FOR EACH ROW ` +
      `WHEN (NEW.current_version_id IS DISTINCT FROM OLD.current_version_id OR NEW.tombstone IS DISTINCT FROM OLD.tombstone) ` +
      `EXECUTE FUNCTION ${fn}()`,
    `INSERT INTO ${search}(record_id, source_id, title, body) ${select('r').replace(`FROM ${versions} v`, `FROM ${records} r JOIN ${versions} v ON true`)}`,
  ];
}
