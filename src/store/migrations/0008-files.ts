// Files kept with versions (issue 21): `files` holds one row per stored content (SHA-256), with
// its bytes when the file store is the database itself; `version_files` ties a version to the
// files it refers to, by slot (`property:<id>:<n>`, `icon`, `cover`, `content:<n>`). A
// reference gets its hash only once the bytes are stored under it, so no reference ever names
// missing bytes; deleting a version (janitor retention) deletes its references.
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreDialect } from '../dialect.ts';
import type { Database } from '../schema.ts';

export function createFilesMigration(dialect: StoreDialect): Migration {
  const idType = dialect.name === 'sqlite' ? 'integer' : 'bigint';
  const p = dialect.name === 'sqlite' ? 'ns_' : '';
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as unknown as Kysely<Database>;
      await db.schema
        .createTable('files')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('size_bytes', idType, (c) => c.notNull())
        .addColumn('content_type', 'text')
        .addColumn('data', dialect.name === 'sqlite' ? 'blob' : 'bytea')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('version_files')
        .addColumn('id', idType, (c) => dialect.primaryKey(c))
        .addColumn('version_id', idType, (c) =>
          c.notNull().references('versions.id').onDelete('cascade'),
        )
        .addColumn('record_id', idType, (c) => c.notNull().references('records.id'))
        .addColumn('slot', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('identity', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('hash', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      const s = db.schema;
      await s
        .createIndex(`${p}version_files_slot_uq`)
        .on('version_files')
        .columns(['version_id', 'slot'])
        .unique()
        .execute();
      await s
        .createIndex(`${p}version_files_identity_idx`)
        .on('version_files')
        .columns(['identity', 'hash'])
        .execute();
      await s
        .createIndex(`${p}version_files_hash_idx`)
        .on('version_files')
        .column('hash')
        .execute();
      await s
        .createIndex(`${p}version_files_state_idx`)
        .on('version_files')
        .columns(['state', 'record_id'])
        .execute();
      await sql.raw(filesViewStatement(dialect)).execute(db);
    },
  };
}

/** Name of the SQL view of kept files (a source name starts with a letter, so none clashes). */
export const FILES_VIEW = '_files';

/**
 * `_files`: one row per file the current version of a row refers to — source, page, where in
 * the page, name, SHA-256, state, size and type — for any SQL tool.
 */
function filesViewStatement(dialect: StoreDialect): string {
  const t = (name: 'version_files' | 'records' | 'sources' | 'files') => dialect.tableRef(name);
  return `CREATE VIEW ${dialect.viewRef(FILES_VIEW)} AS
    SELECT s.name AS source, r.page_id AS page_id, f.slot AS slot, f.name AS name, f.hash AS hash,
      f.state AS state, f.kind AS kind, b.size_bytes AS size_bytes, b.content_type AS content_type
    FROM ${t('version_files')} f
    JOIN ${t('records')} r ON r.id = f.record_id AND r.current_version_id = f.version_id
    JOIN ${t('sources')} s ON s.id = r.source_id
    LEFT JOIN ${t('files')} b ON b.hash = f.hash`;
}
