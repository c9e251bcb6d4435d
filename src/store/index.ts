// Surface of src/store/ for other folders (DESIGN.md §3).
export { computeBackoffMs } from './backoff.ts';
export type { CheckpointsRepository } from './checkpoints-repository.ts';
export type {
  ConflictsRepository,
  OpenConflictInput,
  ResolveConflictInput,
} from './conflicts-repository.ts';
export type {
  ConnectionsRepository,
  ConnectionTokens,
  UpsertConnectionInput,
} from './connections-repository.ts';
export type {
  DeclaredDatabase,
  DeclaredDatabasesRepository,
  RecordDeclaredDatabaseInput,
} from './declared-databases-repository.ts';
export type { DialectName } from './dialect.ts';
export { DEFAULT_POSTGRES_SCHEMA } from './dialect.ts';
export type { FileStore, StoredFile, WriteFileOptions } from './files/file-store.ts';
export {
  type FileOutcome,
  type FileRefInput,
  type FileRefState,
  GAP_STATES,
  RETRY_STATES,
  type StoredFileRow,
  type VersionFile,
  type VersionFilesRepository,
} from './files/version-files-repository.ts';
export {
  diffFields,
  type HistoryRepository,
  type PropertyDiff,
  type VersionDiff,
} from './history-repository.ts';
export type { JanitorMaintenance, PruneOlderThanInput } from './janitor-maintenance.ts';
export type {
  AppendLocalVersionInput,
  CreateLocalRecordInput,
  LocalEditResult,
} from './local-edits.ts';
export type { McpActivity, McpCall, McpCallsRepository } from './mcp-calls-repository.ts';
export type {
  DropOutboxResult,
  RewriteOutboxInput,
  RewriteOutboxResult,
} from './outbox-dead-letters.ts';
export {
  type CompleteOutboxInput,
  type CompleteOutboxResult,
  DEFAULT_MAX_ATTEMPTS,
  type NotionState,
  type OutboxRepository,
  type RecordOutboxFailureInput,
} from './outbox-repository.ts';
export type { PointInTimeReader, RecordAsOf } from './point-in-time.ts';
export type {
  CommitPullBatchInput,
  CommitPullBatchResult,
  PulledRow,
  PullRowOutcome,
  PullRowResult,
} from './pull-batch.ts';
export type {
  RateBudgetKind,
  RateBudgetLane,
  RateBudgetSpec,
  RateBudgetsRepository,
  RateBudgetTakeInput,
  RateBudgetTakeResult,
  RateBudgetUsage,
} from './rate-budgets-repository.ts';
export {
  checkSelectShape,
  type ReadOnlySqlOptions,
  type ReadOnlySqlResult,
  type ReadOnlySqlRunner,
} from './read-only-sql/read-only-sql.ts';
export type { RecordState, RecordsRepository, TombstoneInput } from './records-repository.ts';
export type {
  FinishRunInput,
  ListRunsOptions,
  RunProgress,
  RunsRepository,
  StartRunInput,
} from './runs-repository.ts';
export {
  type SearchHit,
  type SearchInput,
  type SearchRepository,
  searchWords,
} from './search-repository.ts';
export { createSecretBox, parseSecretKey, type SecretBox } from './secret-box.ts';
export { type DetachSourceResult, detachedSourceName } from './source-detach.ts';
export type {
  RowFilter,
  RowFilterOp,
  RowPage,
  RowQuery,
  SourceRowsRepository,
} from './source-rows.ts';
export { planViewColumns, sanitizeIdentifier } from './source-views.ts';
export {
  diffSchemas,
  type SourcesRepository,
  type UpsertSourceInput,
  type UpsertSourceResult,
} from './sources-repository.ts';
export { openSqlConnection, type SqlConnection, type UserDatabase } from './sql-connection.ts';
export type {
  StagedEdit,
  StagedEditsRepository,
  StagedOp,
  StagedState,
  StageEditInput,
} from './staged-edits-repository.ts';
export {
  createStore,
  DEFAULT_FILES_DIR,
  type LocalEditsRepository,
  type Store,
  type StoreOptions,
} from './store.ts';
export type {
  AccessState,
  Checkpoint,
  CheckpointUpdate,
  Conflict,
  ConflictResolution,
  Connection,
  JsonValue,
  OutboxItem,
  OutboxOp,
  OutboxState,
  Provenance,
  Run,
  RunError,
  RunOwner,
  RunStatus,
  SchemaChange,
  SchemaChangeKind,
  SchemaProperty,
  Source,
  SourceKind,
  SourceSchema,
  StoreRecord,
  SyncDirection,
  Tombstone,
  Version,
  VersionOrigin,
  WebhookEvent,
} from './store-types.ts';
export { DEFAULT_STORE_URL, parseStoreUrl, redactUrl, type StoreLocation } from './store-url.ts';
export type {
  TargetItem,
  TargetItemInput,
  TargetItemState,
  TargetItemsRepository,
  TargetItemsWriter,
  TargetRecordView,
} from './target-items-repository.ts';
export type { PruneVersionsInput } from './version-retention.ts';
export type {
  RecordWebhookEventInput,
  WebhookEventCounts,
  WebhookEventsRepository,
} from './webhook-events-repository.ts';
export type {
  WebhookTokenState,
  WebhookTokensRepository,
} from './webhook-tokens-repository.ts';
