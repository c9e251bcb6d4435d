// The first schema of the engine tables (DESIGN.md §4). Forward-only: a later change is a new
// migration file, never an edit of this one.
import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreDialect } from '../dialect.ts';
import type { Database } from '../schema.ts';

type Builder = CreateTableBuilder<string, string>;

/** Column helpers shared by the table definitions of one dialect. */
interface Columns {
  id: (t: Builder) => Builder;
  idType: 'integer' | 'bigint';
  json: 'text' | 'jsonb';
  ref: (table: string) => string;
}

/** Migration 0001 for `dialect`: tables, hot-path indexes and the append-only triggers. */
export function createInitialMigration(dialect: StoreDialect): Migration {
  // SQLite allows AUTOINCREMENT only on INTEGER PRIMARY KEY (a 64-bit rowid there).
  const idType = dialect.name === 'sqlite' ? 'integer' : 'bigint';
  const columns: Columns = {
    id: (t) => t.addColumn('id', idType, (c) => dialect.primaryKey(c)),
    idType,
    json: dialect.jsonType,
    ref: (table) => `${table}.id`,
  };
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as unknown as Kysely<Database>;
      await createSourceTables(db, columns);
      await createHistoryTables(db, columns);
      await createSyncTables(db, columns);
      await createIndexes(db, dialect);
      if (dialect.name === 'sqlite') {
        await db.schema
          .createTable('retention_guard')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('allow_prune', 'integer', (c) => c.notNull())
          .execute();
        await db.insertInto('retention_guard').values({ id: 1, allow_prune: 0 }).execute();
      }
      for (const statement of dialect.appendOnlyStatements()) await sql.raw(statement).execute(db);
    },
  };
}

/** Connections, sources, runs and schema changes. */
async function createSourceTables(
  db: Kysely<Database>,
  { id, idType, json, ref }: Columns,
): Promise<void> {
  const s = db.schema;
  await id(s.createTable('connections'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('bot_id', 'text')
    .addColumn('workspace_id', 'text')
    .addColumn('workspace_name', 'text')
    .addColumn('access_token_enc', 'text')
    .addColumn('refresh_token_enc', 'text')
    .addColumn('secret_key_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await id(s.createTable('sources'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('notion_id', 'text', (c) => c.notNull())
    .addColumn('database_id', 'text')
    .addColumn('connection_id', idType, (c) => c.references(ref('connections')))
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('schema_json', json, (c) => c.notNull())
    .addColumn('schema_hash', 'text', (c) => c.notNull())
    .addColumn('view_name', 'text')
    .addColumn('access_state', 'text', (c) => c.notNull())
    .addColumn('access_changed_at', 'text')
    .addColumn('access_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await id(s.createTable('runs'))
    .addColumn('source_id', idType, (c) => c.references(ref('sources')))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('counts', json, (c) => c.notNull())
    .addColumn('api_calls', json, (c) => c.notNull())
    .addColumn('rate_limit_waits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', json, (c) => c.notNull())
    .execute();
  await id(s.createTable('schema_changes'))
    .addColumn('source_id', idType, (c) => c.notNull().references(ref('sources')))
    .addColumn('property_id', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('before_json', json)
    .addColumn('after_json', json)
    .addColumn('run_id', idType, (c) => c.references(ref('runs')))
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .execute();
}

/** Records, their append-only versions and checkpoints. */
async function createHistoryTables(
  db: Kysely<Database>,
  { id, idType, json, ref }: Columns,
): Promise<void> {
  const s = db.schema;
  await id(s.createTable('records'))
    .addColumn('source_id', idType, (c) => c.notNull().references(ref('sources')))
    .addColumn('page_id', 'text')
    .addColumn('local_key', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addColumn('current_version_id', idType)
    .addColumn('base_version_id', idType)
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('notion_hash', 'text')
    .addColumn('notion_last_edited_time', 'text')
    .addColumn('created_time', 'text')
    .addColumn('tombstone', 'text')
    .addColumn('tombstoned_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await id(s.createTable('versions'))
    .addColumn('record_id', idType, (c) => c.notNull().references(ref('records')))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('fields', json, (c) => c.notNull())
    .addColumn('raw', json)
    .addColumn('content', 'text')
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('notion_last_edited_time', 'text')
    .addColumn('run_id', idType, (c) => c.references(ref('runs')))
    .addColumn('trigger', 'text')
    .addColumn('request_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await s
    .createTable('checkpoints')
    .addColumn('source_id', idType, (c) => c.primaryKey().references(ref('sources')))
    .addColumn('cursor', 'text')
    .addColumn('cursor_page_id', 'text')
    .addColumn('query_state', json)
    .addColumn('last_complete_reconcile_at', 'text')
    .addColumn('run_id', idType, (c) => c.references(ref('runs')))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

/** Outbox, conflicts and webhook events. */
async function createSyncTables(
  db: Kysely<Database>,
  { id, idType, json, ref }: Columns,
): Promise<void> {
  const s = db.schema;
  await id(s.createTable('outbox'))
    .addColumn('source_id', idType, (c) => c.notNull().references(ref('sources')))
    .addColumn('record_id', idType, (c) => c.notNull().references(ref('records')))
    .addColumn('version_id', idType, (c) => c.notNull().references(ref('versions')))
    .addColumn('op', 'text', (c) => c.notNull())
    .addColumn('payload', json, (c) => c.notNull())
    .addColumn('sync_key', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute();
  await id(s.createTable('conflicts'))
    .addColumn('record_id', idType, (c) => c.notNull().references(ref('records')))
    .addColumn('outbox_id', idType, (c) => c.references(ref('outbox')))
    .addColumn('property_id', 'text', (c) => c.notNull())
    .addColumn('property_name', 'text', (c) => c.notNull())
    .addColumn('base_value', json)
    .addColumn('notion_value', json)
    .addColumn('local_value', json)
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('resolved_value', json)
    .addColumn('resolved_by', 'text')
    .addColumn('run_id', idType, (c) => c.references(ref('runs')))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .execute();
  await s
    .createTable('webhook_events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('payload', json, (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('processed_at', 'text')
    .execute();
}

async function createIndexes(db: Kysely<Database>, dialect: StoreDialect): Promise<void> {
  const p = dialect.name === 'sqlite' ? 'ns_' : '';
  const s = db.schema;
  await s
    .createIndex(`${p}records_source_page_uq`)
    .on('records')
    .columns(['source_id', 'page_id'])
    .unique()
    .execute();
  await s
    .createIndex(`${p}records_source_local_key_uq`)
    .on('records')
    .columns(['source_id', 'local_key'])
    .unique()
    .execute();
  await s.createIndex(`${p}records_page_id_idx`).on('records').column('page_id').execute();
  await s
    .createIndex(`${p}versions_record_seq_uq`)
    .on('versions')
    .columns(['record_id', 'seq'])
    .unique()
    .execute();
  await s
    .createIndex(`${p}outbox_due_idx`)
    .on('outbox')
    .columns(['state', 'next_attempt_at', 'id'])
    .execute();
  await s.createIndex(`${p}outbox_record_idx`).on('outbox').column('record_id').execute();
  await s
    .createIndex(`${p}conflicts_open_uq`)
    .on('conflicts')
    .columns(['record_id', 'property_id'])
    .unique()
    .where(sql.ref('state'), '=', 'open')
    .execute();
  await s.createIndex(`${p}conflicts_state_idx`).on('conflicts').columns(['state', 'id']).execute();
  await s
    .createIndex(`${p}runs_source_started_idx`)
    .on('runs')
    .columns(['source_id', 'started_at'])
    .execute();
  await s
    .createIndex(`${p}runs_one_running_uq`)
    .on('runs')
    .column('source_id')
    .unique()
    .where(sql.ref('status'), '=', 'running')
    .execute();
  await s
    .createIndex(`${p}schema_changes_source_idx`)
    .on('schema_changes')
    .columns(['source_id', 'id'])
    .execute();
  await s
    .createIndex(`${p}webhook_events_state_idx`)
    .on('webhook_events')
    .columns(['state', 'received_at'])
    .execute();
}
