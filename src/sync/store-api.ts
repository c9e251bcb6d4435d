// The parts of src/store/ the engine uses, in one place.
export type {
  Checkpoint,
  CommitPullBatchResult,
  JsonValue,
  PropertyDiff,
  PulledRow,
  RecordState,
  Run,
  RunError,
  SchemaChange,
  SchemaProperty,
  Source,
  SourceSchema,
  Store,
  Tombstone,
  Version,
} from '../store/index.ts';
