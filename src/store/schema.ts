// Kysely row types of the engine tables (DESIGN.md §4). Names are the logical, snake_case SQL
// names; the dialect maps them to `ns_<table>` (SQLite) or `<schema>.<table>` (PostgreSQL).
// Timestamps are ISO-8601 UTC text (`2026-01-01T00:00:00.000Z`), so they sort as text on both
// dialects; JSON columns are text in SQLite and jsonb in PostgreSQL, always written as JSON text.
import type { Generated } from 'kysely';

export interface ConnectionsTable {
  id: Generated<number>;
  name: string;
  kind: string;
  bot_id: string | null;
  workspace_id: string | null;
  workspace_name: string | null;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  secret_key_id: string | null;
  status: Generated<string>;
  app_user: string | null;
  access_expires_at: string | null;
  owner_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface SourcesTable {
  id: Generated<number>;
  name: string;
  kind: string;
  notion_id: string;
  database_id: string | null;
  connection_id: number | null;
  direction: string;
  schema_json: string;
  schema_hash: string;
  view_name: string | null;
  access_state: string;
  access_changed_at: string | null;
  access_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface SchemaChangesTable {
  id: Generated<number>;
  source_id: number;
  property_id: string;
  change: string;
  before_json: string | null;
  after_json: string | null;
  run_id: number | null;
  detected_at: string;
}

export interface RecordsTable {
  id: Generated<number>;
  source_id: number;
  page_id: string | null;
  local_key: string;
  parent_id: string | null;
  current_version_id: number | null;
  base_version_id: number | null;
  last_seq: number;
  notion_hash: string | null;
  notion_last_edited_time: string | null;
  created_time: string | null;
  tombstone: string | null;
  tombstoned_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface VersionsTable {
  id: Generated<number>;
  record_id: number;
  seq: number;
  origin: string;
  fields: string;
  raw: string | null;
  content: string | null;
  hash: string;
  notion_last_edited_time: string | null;
  run_id: number | null;
  trigger: string | null;
  request_id: string | null;
  created_at: string;
}

export interface FilesTable {
  hash: string;
  size_bytes: number;
  content_type: string | null;
  /** The bytes when the file store is the database; null when they live in a directory. */
  data: Buffer | null;
  created_at: string;
}

export interface VersionFilesTable {
  id: Generated<number>;
  version_id: number;
  record_id: number;
  slot: string;
  name: string;
  identity: string;
  kind: string;
  hash: string | null;
  state: string;
  error: string | null;
  updated_at: string;
}

export interface CheckpointsTable {
  source_id: number;
  cursor: string | null;
  cursor_page_id: string | null;
  query_state: string | null;
  last_complete_reconcile_at: string | null;
  run_id: number | null;
  updated_at: string;
}

export interface RunsTable {
  id: Generated<number>;
  source_id: number | null;
  kind: string;
  trigger: string;
  status: string;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
  counts: string;
  api_calls: string;
  rate_limit_waits: number;
  errors: string;
  /** Host name and pid of the process holding the run (null for runs before migration 0002). */
  host: string | null;
  pid: number | null;
}

export interface ConflictsTable {
  id: Generated<number>;
  record_id: number;
  outbox_id: number | null;
  property_id: string;
  property_name: string;
  base_value: string | null;
  notion_value: string | null;
  local_value: string | null;
  state: string;
  resolution: string | null;
  resolved_value: string | null;
  resolved_by: string | null;
  run_id: number | null;
  created_at: string;
  resolved_at: string | null;
}

export interface OutboxTable {
  id: Generated<number>;
  source_id: number;
  record_id: number;
  version_id: number;
  op: string;
  payload: string;
  sync_key: string;
  state: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export interface WebhookEventsTable {
  event_id: string;
  type: string;
  entity_id: string | null;
  payload: string;
  state: string;
  attempts: number;
  last_error: string | null;
  received_at: string;
  processed_at: string | null;
  connection: Generated<string>;
  next_attempt_at: string | null;
}

export interface WebhookTokensTable {
  connection: string;
  pending_enc: string | null;
  pending_at: string | null;
  accepted_enc: string | null;
  accepted_at: string | null;
  secret_key_id: string | null;
  updated_at: string;
}

export interface TargetItemsTable {
  record_id: number;
  source_id: number;
  item_key: string | null;
  target_hash: string | null;
  store_hash: string | null;
  state: string;
  last_error: string | null;
  updated_at: string;
}

export interface TargetCursorsTable {
  source_id: number;
  cursor: string | null;
  updated_at: string;
}

/** What `notion-sync init` created or manages for a source with a declared schema. */
export interface DeclaredDatabasesTable {
  source_name: string;
  database_id: string;
  data_source_id: string;
  /** The config's `database:`/`dataSource:` when init ran (null: created from `schema:` alone). */
  configured_id: string | null;
  /** Declared property name → Notion property id (how init matches them after a rename). */
  property_ids: string;
  created_at: string;
  updated_at: string;
}

export interface RetentionGuardTable {
  id: number;
  allow_prune: number;
}

export interface StagedEditsTable {
  id: Generated<number>;
  source_id: number;
  record_id: number | null;
  op: string;
  values_json: string;
  note: string | null;
  staged_by: string;
  state: string;
  decided_by: string | null;
  decided_at: string | null;
  outbox_id: number | null;
  error: string | null;
  created_at: string;
}

export interface McpCallsTable {
  id: Generated<number>;
  tool: string;
  args_json: string;
  duration_ms: number;
  result_bytes: number;
  error_code: string | null;
  called_at: string;
}

/** Full-text index rows (an FTS5 table in SQLite, a tsvector table in PostgreSQL); raw SQL only. */
export interface SearchIndexTable {
  source_id: number;
  title: string;
  body: string;
}

/** One shared token bucket (issue 17): `connection:<name>` or `workspace:<id>`. */
export interface RateBudgetsTable {
  key: string;
  kind: 'connection' | 'workspace';
  rate_per_s: number;
  capacity: number;
  reserve: number;
  tokens: number;
  updated_ms: number;
  paused_until_ms: number;
  interactive_until_ms: number;
  taken: number;
  interactive_taken: number;
  rate_limited: number;
  created_ms: number;
  workspace_id: string | null;
}

export interface Database {
  connections: ConnectionsTable;
  sources: SourcesTable;
  schema_changes: SchemaChangesTable;
  records: RecordsTable;
  versions: VersionsTable;
  checkpoints: CheckpointsTable;
  runs: RunsTable;
  conflicts: ConflictsTable;
  outbox: OutboxTable;
  webhook_events: WebhookEventsTable;
  webhook_tokens: WebhookTokensTable;
  retention_guard: RetentionGuardTable;
  files: FilesTable;
  version_files: VersionFilesTable;
  declared_databases: DeclaredDatabasesTable;
  staged_edits: StagedEditsTable;
  mcp_calls: McpCallsTable;
  search_index: SearchIndexTable;
  target_items: TargetItemsTable;
  target_cursors: TargetCursorsTable;
  rate_budgets: RateBudgetsTable;
}

export type EngineTable = keyof Database;

export const ENGINE_TABLES: readonly EngineTable[] = [
  'connections',
  'sources',
  'schema_changes',
  'records',
  'versions',
  'checkpoints',
  'runs',
  'conflicts',
  'outbox',
  'webhook_events',
  'webhook_tokens',
  'retention_guard',
  'files',
  'version_files',
  'declared_databases',
  'staged_edits',
  'mcp_calls',
  'search_index',
  'target_items',
  'target_cursors',
  'rate_budgets',
];
