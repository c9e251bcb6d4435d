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
export { parseNotionId } from './shared/index.ts';
export { createStore, type Store, type StoreOptions } from './store/index.ts';
export {
  type CoverageGaps,
  createEngine,
  type Engine,
  type EngineOptions,
  type HistoryEntry,
  type HistoryResult,
  type PullCounts,
  type PullOptions,
  type PullProgress,
  type PullResult,
  type PullStatus,
  type SourcePullResult,
  type SourceStatus,
} from './sync/index.ts';
