// The parts of src/store/ the engine uses, in one place. src/store/index.ts does not name its
// surface yet (issue 5 in progress); when it does, only this file changes.

export type { PropertyDiff } from '../store/history-repository.ts';
export type { CommitPullBatchResult, PulledRow } from '../store/pull-batch.ts';
export type { RecordState } from '../store/records-repository.ts';
export type { Store } from '../store/store.ts';
export type {
  Checkpoint,
  JsonValue,
  Run,
  RunError,
  SchemaChange,
  SchemaProperty,
  Source,
  SourceSchema,
  Tombstone,
  Version,
} from '../store/store-types.ts';
