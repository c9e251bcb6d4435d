export {
  bookkeepingOf,
  type Config,
  type ConnectionConfig,
  declaration,
  type FolderTargetConfig,
  isFolderTarget,
  isTableTarget,
  LOG_LEVELS,
  listOptions,
  NOTION_VERSIONS,
  type NotionVersion,
  type OptionEntry,
  type OptionSpec,
  type SourceConfig,
  type TableTargetConfig,
  type TargetConfig,
} from './declaration.ts';
export {
  DECLARABLE_TYPES,
  type DeclarableType,
  type DeclaredPropertyInput,
  type DeclaredSchemaInput,
  declaredTypeOf,
  declaresTitle,
} from './declared-schema.ts';
export {
  CONFIG_FILE_NAMES,
  type ConfigProblem,
  findConfigFile,
  formatKeyPath,
  formatProblems,
  type LoadConfigOptions,
  type LoadConfigResult,
  loadConfig,
  readConfig,
} from './load-config.ts';
export { redactConfig } from './redact.ts';
export { renderConfigReference, renderJsonSchema } from './schema.ts';
