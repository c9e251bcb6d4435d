// The library surface: named exports only. Later issues add createEngine and friends.
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
export { parseNotionId } from './shared/index.ts';
