// Types of the engine's library surface: options, per-source pull results, status and history.
import type { Config, SourceConfig } from '../config/index.ts';
import type { NotionClient, NotionOAuth } from '../notion/index.ts';
import type { Clock, Logger } from '../shared/index.ts';
import type { DeclaredDatabase } from '../store/index.ts';
import type { TargetProblem } from '../targets/index.ts';
import type { Pickable } from './connections/browse.ts';
import type { ConnectionClients } from './connections/connection-clients.ts';
import type { ConnectionsApi } from './connections/connections-api.ts';
import type { ImportOptions, ImportPick, ImportResult } from './connections/import.ts';
import type { FilesApi } from './files/files-api.ts';
import type { FilesSettings } from './files/files-settings.ts';
import type { InitOptions, InitResult } from './init/init-types.ts';
import type { JanitorOptions, JanitorReport, JanitorSettings } from './janitor/janitor.ts';
import type { OutboxApi } from './push/outbox-api.ts';
import type {
  ConflictsApi,
  PushOptions,
  PushResult,
  RecordsApi,
  SyncResult,
} from './push/push-types.ts';
import type { RestoreOptions, RestoreResult, RestoreTarget } from './restore/restore-types.ts';
import type {
  Checkpoint,
  DetachSourceResult,
  JsonValue,
  OutboxItem,
  PropertyDiff,
  Run,
  RunError,
  SchemaChange,
  Source,
  Store,
  Version,
  VersionFile,
} from './store-api.ts';
import type { FolderWatch, FolderWatchOptions } from './target-sync/folder-watch.ts';
import type { TargetSyncResult } from './target-sync/target-sync.ts';

export interface EngineOptions {
  /**
   * The effective configuration: `sources`, and `notion` + `connections` to make the clients of
   * named token connections (and of `default` when neither `notion` nor `notionFactory` is given).
   */
  config: Pick<Config, 'sources'> & Partial<Pick<Config, 'notion' | 'connections' | 'runner'>>;
  store: Store;
  /** The `default` (NOTION_TOKEN) connection's client. */
  notion?: NotionClient;
  /** Builds the default connection on first use (lets commands that need no Notion access skip it). */
  notionFactory?: () => NotionClient;
  /** Where `connections[].tokenEnv` variables are read (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Refreshes and revokes OAuth installations' tokens (`createNotionOAuth`). */
  oauth?: NotionOAuth | null;
  /** Resolves connection names to clients; built from the options above when not given. */
  connectionClients?: ConnectionClients;
  logger?: Logger;
  clock?: Clock;
  /** How far before the cursor each incremental query starts (default 2 min; Notion rounds to the minute). */
  overlapMs?: number;
  /**
   * How often a source's pull lists every row to find rows deleted for good or unshared, when
   * the source sets no `reconcile` (default 6 h; trashed rows are seen on every pull).
   */
  reconcileIntervalMs?: number;
  /** A running run whose heartbeat is older than this is considered dead (default 2 min). */
  staleRunAfterMs?: number;
  /** Heartbeat period of a running pull (default 15 s). */
  heartbeatMs?: number;
  /** Attempts of an outbox item before it is dead-lettered (default 8). */
  maxAttempts?: number;
  /** A push waits for retries due within this long before it ends (default 60 s; 0: never). */
  retryWaitMs?: number;
  /** Recorded on local edits (`records.*`) as who made them: `cli`, `mcp`, … (default `api`). */
  trigger?: string;
  /**
   * A push re-runs its freshness check (which rows Notion changed since the store saw them)
   * once the last one is older than this (default 60 s): the longest a person's edit of the
   * same property can go unseen before push overwrites it.
   */
  freshnessCheckMs?: number;
  /** Sources pulled at once within one `pull` call (default 2); they share the connection's pacing. */
  sourceConcurrency?: number;
  /** Files pages refer to (config `files`): what to keep and the limits. */
  files?: Partial<FilesSettings>;
  /** Janitor retention of runs and webhook events (defaults 90 and 30 days; config `janitor.*`). */
  janitor?: Partial<JanitorSettings>;
  /** Environment variables a source's target names (`target.urlEnv`); the CLI passes its own. */
  environment?: Record<string, string | undefined>;
  /** Directory relative paths of targets resolve against (default: the working directory). */
  baseDir?: string;
}

export interface PullOptions {
  /** Re-read every row (and its content) instead of only what changed. */
  full?: boolean;
  /** Recorded on the run and every version: `cli`, `schedule`, `webhook:<id>`, `api`, … */
  trigger?: string;
  /** Called after every committed batch. */
  onProgress?: (progress: PullProgress) => void;
  /**
   * Stops the run at its next safe point (after the batch being committed): the checkpoint is
   * kept, the run is marked `interrupted`, the lease released, and the call rejects with
   * `run_interrupted`.
   */
  signal?: AbortSignal;
  /** Called once the run has taken the source's lease, with its id (the API answers with it). */
  onRun?: (runId: number) => void;
}

export interface RefreshOptions {
  /** Recorded on the run and every version it writes, e.g. `webhook:<event id>`. */
  trigger: string;
  onRun?: (runId: number) => void;
}

/** The outcome of re-reading some pages of one source (a webhook refresh). */
export interface RefreshResult {
  source: string;
  /** `skipped`: the source was never pulled (its first scheduled pull copies everything). */
  status: 'ok' | 'failed' | 'skipped';
  runId: number | null;
  counts: PullCounts;
  errors: RunError[];
}

export interface PullCounts {
  /** Rows received from Notion (a row listed twice counts twice). */
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  restored: number;
}

/** Places where the copy is knowingly not complete (reported by `status`). */
export interface CoverageGaps {
  /** Queries that hit the 10,000-row cap and were continued in created_time windows. */
  cappedQueries: number;
  /** Property values Notion reports incomplete even through the property item endpoint. */
  incompleteValues: number;
  /** Pages whose Markdown could not be read completely. */
  incompleteContent: number;
  /** Files of current versions not kept (too large, over budget, gone, or still failing). */
  missingFiles: number;
  /**
   * created_time minutes holding more than 10,000 rows that no query the data allows could list
   * completely (no number or unique_id property to split them on): some of their rows may be missing.
   */
  unreachableMinutes: number;
}

export interface PullProgress {
  source: string;
  phase: 'resolve' | 'rows' | 'reconcile' | 'done';
  counts: PullCounts;
  apiCalls: number;
  /** Rows the source held before this run (an estimate of the total for a full pass). */
  knownRows: number;
  elapsedMs: number;
}

export type PullStatus = 'ok' | 'failed' | 'access_lost' | 'interrupted';

export interface SourcePullResult {
  source: string;
  status: PullStatus;
  runId: number | null;
  mode: 'incremental' | 'full' | 'page_tree';
  counts: PullCounts;
  gaps: CoverageGaps;
  /** Files downloaded in this run and their bytes (downloads are no API calls). */
  files: { downloaded: number; bytes: number };
  /** Calls per endpoint template, e.g. `POST /v1/data_sources/{id}/query`. */
  apiCalls: Record<string, number>;
  rateLimitWaits: number;
  reconciled: boolean;
  schemaChanges: SchemaChange[];
  errors: RunError[];
  durationMs: number;
}

export interface PullResult {
  ok: boolean;
  sources: SourcePullResult[];
  /** Folder targets written after the pull (sources whose pull succeeded). */
  targets?: TargetSyncResult[];
}

export interface SourceStatus {
  name: string;
  config: SourceConfig;
  source: Source | null;
  lastRun: Run | null;
  rows: { live: number; tombstoned: number };
  checkpoint: Checkpoint | null;
  schemaChanges: SchemaChange[];
  gaps: CoverageGaps | null;
  /** Local edits waiting for push, and the dead-lettered ones with their last error. */
  outbox: { pending: number; dead: OutboxItem[] };
  openConflicts: number;
  /** The database `init` created (or manages) for this source, as recorded in the store. */
  declared: DeclaredDatabase | null;
}

export interface HistoryEntry {
  version: Version;
  /** Files this version refers to: where, name, SHA-256 (null when not kept) and state. */
  files: VersionFile[];
  /** What changed against the previous version (when asked with `diff`). */
  changes?: PropertyDiff[];
  contentChanged?: boolean;
}

export interface HistoryResult {
  pageId: string;
  source: string;
  tombstone: string | null;
  /** Property names by id, from the source's current schema. */
  names: Record<string, string>;
  versions: HistoryEntry[];
}

export interface RebindResult {
  source: string;
  /** Null when the source had no history yet (nothing to detach). */
  detached: DetachSourceResult | null;
}

export interface Engine {
  /** Pulls the named sources (all pull-capable sources when omitted); results keep their order. */
  pull(sourceNames?: string[], options?: PullOptions): Promise<PullResult>;
  status(): Promise<SourceStatus[]>;
  history(pageIdOrUrl: string, options?: { diff?: boolean }): Promise<HistoryResult[]>;
  runs(options?: { source?: string; limit?: number }): Promise<Run[]>;
  /**
   * Re-reads the given pages of one source from Notion under the source's lease: a page still in
   * the source gets a new version when it changed, a trashed one the `trashed` tombstone, a
   * deleted, unshared or moved-out one the `missing` tombstone (after checking the source itself
   * is still readable). Pages never stored and not in the source are ignored.
   */
  refresh(sourceName: string, pageIds: string[], options: RefreshOptions): Promise<RefreshResult>;
  /** Pushes the outbox of the named sources (all push-capable sources when omitted). */
  push(sourceNames?: string[], options?: PushOptions): Promise<PushResult>;
  /** Pull, then push, for sources with `direction: both` (or the ones named). */
  sync(
    sourceNames?: string[],
    options?: PushOptions & Pick<PullOptions, 'onProgress'>,
  ): Promise<SyncResult>;
  /**
   * Compares the declared `schema:` of the named sources (every declaring source when omitted)
   * with Notion and, unless `plan`, applies it: creates databases (dependency order), adds,
   * renames and retypes properties; destructive steps only with `force`. Created ids are
   * recorded in the store. Errors: `source_not_found`, `usage`, `config_invalid`, Notion's.
   */
  init(sourceNames?: string[], options?: InitOptions): Promise<InitResult>;
  /**
   * Housekeeping: version retention per source (`retention:`), old runs and webhook events,
   * dead letters (reported), duplicate pages by sync key (trashed with `trashDuplicates`),
   * orphans (reported), VACUUM/ANALYZE. `dryRun` changes nothing. The runner calls this on
   * the `janitor.schedule`.
   */
  janitor(options?: JanitorOptions): Promise<JanitorReport>;
  /**
   * Restores `{ source, asOf }` (a source to an ISO time) or `{ page, toVersion }` (one page to
   * a version of its history): pulls first, plans the difference with Notion now and, unless
   * `dryRun`, writes it through the outbox in one push run with trigger `restore`. Pages
   * created after the time are trashed, pages trashed since are restored; computed
   * properties and page content are not written. Errors: `restore_before_history` (with the
   * earliest point), `source_not_found`, `store_not_found`, `usage`.
   */
  restore(target: RestoreTarget, options?: RestoreOptions): Promise<RestoreResult>;
  /**
   * Starts a fresh history for a configured source (after its database changed): the old
   * source row and all its records are kept, renamed aside and detached; the next pull builds
   * the new history. Errors: `usage` (not a configured source), `source_busy`.
   */
  rebind(sourceName: string, options?: { trigger?: string }): Promise<RebindResult>;
  /** Local edits: each commits a version and its outbox row in one transaction. */
  readonly records: RecordsApi;
  readonly conflicts: ConflictsApi;
  /** Outbox items waiting or dead-lettered: list, show, requeue, drop, edit. */
  readonly outbox: OutboxApi;
  /** Token connections and OAuth installations: list, get, disconnect (never a token). */
  readonly connections: ConnectionsApi & {
    /** What a connection can see and import (Notion search): pages and data sources with paths. */
    browse(connection: string): Promise<Pickable[]>;
  };
  /**
   * Makes each pick a source of `connection` (a page tree or a data source, in the store) and
   * pulls it now with trigger `import`. Errors before any run: `value_invalid` (a bad pick),
   * `connection_not_found`, `connection_reconnect`. Listeners of `onImportFinished` hear it too.
   */
  import(connection: string, picks: ImportPick[], options?: ImportOptions): Promise<ImportResult>;
  /** Calls `listener` after every import (from any caller); returns an unsubscribe function. */
  onImportFinished(listener: (result: ImportResult) => void): () => void;
  /** Kept files: open by hash, list and copy out by page, local paths, janitor's cleanup. */
  readonly files: FilesApi;
  /**
   * Checks every source's target against its live table (missing table or column, a key that is
   * not unique, a column that cannot hold a property's values): every problem, with its config
   * key path. Reads Notion's schema (adds the sync key property when missing) and the catalog.
   */
  checkTargets(): Promise<TargetProblem[]>;
  /**
   * Watches the folders of the named sources with a folder target and `direction: both` (all of
   * them when none is named) and syncs a source once its folder has been quiet for `debounceMs`
   * after a save. Refuses sources that have no such target (`usage`).
   */
  watch(names?: string[], options?: WatchOptions): Promise<FolderWatch>;
}

export type WatchOptions = Omit<FolderWatchOptions, 'folders' | 'sync' | 'clock'> &
  Pick<PushOptions, 'trigger' | 'signal' | 'onNotice'>;

export type { JsonValue };
