// Surface of src/sync/ for other folders (DESIGN.md §3).

export type { Pickable, PickKind } from './connections/browse.ts';
export {
  type ConnectionClients,
  type ConnectionClientsOptions,
  createConnectionClients,
  DEFAULT_CONNECTION,
  rateBudgetOf,
} from './connections/connection-clients.ts';
export {
  type ConnectionInfo,
  type ConnectionsApi,
  installationName,
} from './connections/connections-api.ts';
export {
  type ImportOptions,
  type ImportPick,
  type ImportResult,
  importedSourceName,
  importedSources,
} from './connections/import.ts';
export { createEngine } from './engine.ts';
export type {
  CoverageGaps,
  Engine,
  EngineOptions,
  HistoryEntry,
  HistoryResult,
  PullCounts,
  PullOptions,
  PullProgress,
  PullResult,
  PullStatus,
  RebindResult,
  RefreshOptions,
  RefreshResult,
  SourcePullResult,
  SourceStatus,
} from './engine-types.ts';
export {
  type FilesApi,
  type FileWritten,
  fileSlotLabel,
  localFileName,
  localizeMarkdown,
  type RemovedFiles,
  type RemoveUnreferencedOptions,
  removeUnreferencedFiles,
} from './files/files-api.ts';
export { DEFAULT_FILES_SETTINGS, type FilesSettings } from './files/files-settings.ts';
export {
  type InitOptions,
  type InitPlan,
  type InitResult,
  type InitStep,
  type InitStepKind,
  isPlanPending,
  type SourceInitPlan,
} from './init/init-types.ts';
export type { DuplicateGroup } from './janitor/duplicate-pages.ts';
export type { JanitorOptions, JanitorReport, JanitorSettings } from './janitor/janitor.ts';
export { parseAssignments, parsePropertyText } from './property-input.ts';
export type {
  OutboxApi,
  OutboxDropped,
  OutboxEntry,
  OutboxListState,
} from './push/outbox-api.ts';
export {
  type ConflictChoice,
  type ConflictDetail,
  type ConflictPolicy,
  type ConflictsApi,
  DEFAULT_SYNC_KEY_PROPERTY,
  type LocalEdit,
  type LocalValues,
  type PendingConflict,
  type PlannedWrite,
  type PushCounts,
  type PushOptions,
  type PushResult,
  type PushWaiting,
  type RecordsApi,
  type SourcePushResult,
  type SyncResult,
} from './push/push-types.ts';
export { editableSource } from './records-api.ts';
export { resolveSource, sourceNotionId } from './resolve-source.ts';
export {
  type RestoreChange,
  type RestoreOptions,
  type RestorePlan,
  type RestorePropertyChange,
  type RestoreResult,
  type RestoreTarget,
  writableChanges,
} from './restore/restore-types.ts';
export {
  createStagedEdits,
  type StagedEditsApi,
  type StagedEditView,
  type StageInput,
} from './staged-edits.ts';
