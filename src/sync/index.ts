// Surface of src/sync/ for other folders (DESIGN.md §3).
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
  SourcePullResult,
  SourceStatus,
} from './engine-types.ts';
export { resolveSource, sourceNotionId } from './resolve-source.ts';
