// Invariant: opening an empty database migrates it to exactly the schema of DESIGN.md §4 (tables,
// columns, hot-path indexes) on every dialect; reopening is a no-op; a database migrated by a
// newer notion-sync is refused with store_too_new.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { isNotionSyncError } from '../errors.ts';
import { storeFactories } from './test-support/store-factories.ts';

const EXPECTED_COLUMNS: Record<string, string[]> = {
  staged_edits: [
    'id',
    'source_id',
    'record_id',
    'op',
    'values_json',
    'note',
    'staged_by',
    'state',
    'decided_by',
    'decided_at',
    'outbox_id',
    'error',
    'created_at',
  ],
  mcp_calls: ['id', 'tool', 'args_json', 'duration_ms', 'result_bytes', 'error_code', 'called_at'],
  target_items: [
    'record_id',
    'source_id',
    'item_key',
    'target_hash',
    'store_hash',
    'state',
    'last_error',
    'updated_at',
  ],
  target_cursors: ['source_id', 'cursor', 'updated_at'],
  connections: [
    'id',
    'name',
    'kind',
    'bot_id',
    'workspace_id',
    'workspace_name',
    'access_token_enc',
    'refresh_token_enc',
    'secret_key_id',
    'created_at',
    'updated_at',
    'status',
    'app_user',
    'access_expires_at',
    'owner_user_id',
  ],
  sources: [
    'id',
    'name',
    'kind',
    'notion_id',
    'database_id',
    'connection_id',
    'direction',
    'schema_json',
    'schema_hash',
    'view_name',
    'access_state',
    'access_changed_at',
    'access_reason',
    'created_at',
    'updated_at',
  ],
  schema_changes: [
    'id',
    'source_id',
    'property_id',
    'change',
    'before_json',
    'after_json',
    'run_id',
    'detected_at',
  ],
  records: [
    'id',
    'source_id',
    'page_id',
    'local_key',
    'parent_id',
    'current_version_id',
    'base_version_id',
    'last_seq',
    'notion_hash',
    'notion_last_edited_time',
    'created_time',
    'tombstone',
    'tombstoned_at',
    'created_at',
    'updated_at',
  ],
  versions: [
    'id',
    'record_id',
    'seq',
    'origin',
    'fields',
    'raw',
    'content',
    'hash',
    'notion_last_edited_time',
    'run_id',
    'trigger',
    'request_id',
    'created_at',
  ],
  checkpoints: [
    'source_id',
    'cursor',
    'cursor_page_id',
    'query_state',
    'last_complete_reconcile_at',
    'run_id',
    'updated_at',
  ],
  runs: [
    'id',
    'source_id',
    'kind',
    'trigger',
    'status',
    'started_at',
    'heartbeat_at',
    'finished_at',
    'counts',
    'api_calls',
    'rate_limit_waits',
    'errors',
    'host',
    'pid',
  ],
  conflicts: [
    'id',
    'record_id',
    'outbox_id',
    'property_id',
    'property_name',
    'base_value',
    'notion_value',
    'local_value',
    'state',
    'resolution',
    'resolved_value',
    'resolved_by',
    'run_id',
    'created_at',
    'resolved_at',
  ],
  outbox: [
    'id',
    'source_id',
    'record_id',
    'version_id',
    'op',
    'payload',
    'sync_key',
    'state',
    'attempts',
    'next_attempt_at',
    'last_error',
    'created_at',
    'updated_at',
    'completed_at',
  ],
  webhook_events: [
    'event_id',
    'type',
    'entity_id',
    'payload',
    'state',
    'attempts',
    'last_error',
    'received_at',
    'processed_at',
    'connection',
    'next_attempt_at',
  ],
  webhook_tokens: [
    'connection',
    'pending_enc',
    'pending_at',
    'accepted_enc',
    'accepted_at',
    'secret_key_id',
    'updated_at',
  ],
  files: ['hash', 'size_bytes', 'content_type', 'data', 'created_at'],
  version_files: [
    'id',
    'version_id',
    'record_id',
    'slot',
    'name',
    'identity',
    'kind',
    'hash',
    'state',
    'error',
    'updated_at',
  ],
};

const EXPECTED_INDEXES = [
  'records_source_page_uq',
  'records_source_local_key_uq',
  'versions_record_seq_uq',
  'outbox_due_idx',
  'outbox_record_idx',
  'conflicts_open_uq',
  'conflicts_state_idx',
  'runs_source_started_idx',
  'runs_one_running_uq',
  'schema_changes_source_idx',
  'webhook_events_state_idx',
  'version_files_slot_uq',
  'version_files_identity_idx',
  'version_files_hash_idx',
  'version_files_state_idx',
  'webhook_events_connection_idx',
  'target_items_key_uq',
];

describe.each(storeFactories())('migrations on $name', (factory) => {
  it('creates every table with its columns and indexes, in the engine namespace only', async () => {
    const { store, schema } = await factory.create();
    const tables = await store.db.introspection.getTables();
    const prefix = factory.dialect === 'sqlite' ? 'ns_' : '';
    const ours = tables.filter((t) => (schema ? t.schema === schema : true) && !t.isView);
    const byName = new Map(ours.map((t) => [t.name.slice(prefix.length), t]));
    for (const [table, columns] of Object.entries(EXPECTED_COLUMNS)) {
      const found = byName.get(table);
      expect(found, `table ${table}`).toBeDefined();
      expect(found?.name).toBe(`${prefix}${table}`);
      expect(found?.columns.map((c) => c.name).sort()).toEqual([...columns].sort());
    }
    if (factory.dialect === 'sqlite') {
      expect(ours.every((t) => t.name.startsWith('ns_'))).toBe(true);
    }
    const indexes =
      factory.dialect === 'sqlite'
        ? (
            await sql<{
              name: string;
            }>`select name from sqlite_master where type = 'index'`.execute(store.db)
          ).rows.map((r) => r.name.replace(/^ns_/, ''))
        : (
            await sql<{
              name: string;
            }>`select indexname as name from pg_indexes where schemaname = ${schema}`.execute(
              store.db,
            )
          ).rows.map((r) => r.name);
    for (const index of EXPECTED_INDEXES) expect(indexes).toContain(index);
    // Dropped by 0011: every pulled row paid for it and no query used it.
    expect(indexes).not.toContain('records_page_id_idx');
  });

  it.runIf(factory.persistent)('reopens without migrating again and keeps the data', async () => {
    const { store, reopen } = await factory.create();
    await store.sources.upsert({ name: 'tasks', kind: 'data_source', notionId: 'ds1' });
    await store.close();
    const again = await reopen();
    expect((await again.sources.list()).map((s) => s.name)).toEqual(['tasks']);
  });

  it.runIf(factory.persistent)('refuses a database migrated by a newer notion-sync', async () => {
    const { store, reopen, schema } = await factory.create();
    const table = sql.table(schema ? `${schema}.migrations` : 'ns_migrations');
    await sql`insert into ${table} (name, timestamp) values ('9999_from_the_future', '2030-01-01T00:00:00.000Z')`.execute(
      store.db,
    );
    await store.close();
    const error = await reopen().catch((e: unknown) => e);
    expect(isNotionSyncError(error) && error.code).toBe('store_too_new');
  });
});
