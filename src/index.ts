// The library surface: named exports only.
export {
  type Config,
  type ConfigProblem,
  type LoadConfigResult,
  loadConfig,
  readConfig,
  renderJsonSchema,
  type SourceConfig,
} from './config/index.ts';
export { type ErrorCode, isNotionSyncError, NotionSyncError } from './errors.ts';
export {
  createNotionClient,
  type NotionClient,
  type NotionClientOptions,
} from './notion/index.ts';
export {
  createLocalRunner,
  createScheduler,
  executeJob,
  type Job,
  type JobOutcome,
  type LocalRunnerOptions,
  parseSchedule,
  type Runner,
  type Scheduler,
} from './runner/index.ts';
export {
  createServeService,
  type ServeOptions,
  type ServeService,
  signWebhookBody,
  verifyWebhookSignature,
} from './server/index.ts';
export { parseNotionId } from './shared/index.ts';
export { createStore, type Store, type StoreOptions } from './store/index.ts';
export {
  type ConflictChoice,
  type ConflictDetail,
  type ConflictPolicy,
  type ConflictsApi,
  type CoverageGaps,
  createEngine,
  DEFAULT_SYNC_KEY_PROPERTY,
  type Engine,
  type EngineOptions,
  type HistoryEntry,
  type HistoryResult,
  type LocalEdit,
  type LocalValues,
  type PendingConflict,
  type PlannedWrite,
  type PullCounts,
  type PullOptions,
  type PullProgress,
  type PullResult,
  type PullStatus,
  type PushCounts,
  type PushOptions,
  type PushResult,
  type RecordsApi,
  type RefreshOptions,
  type RefreshResult,
  type SourcePullResult,
  type SourcePushResult,
  type SourceStatus,
  type SyncResult,
} from './sync/index.ts';
