// Types of push, sync, local edits and the conflict queue on the engine's library surface.
import type { PlainValue } from '../../notion/index.ts';
import type { PullResult } from '../engine-types.ts';
import type { Conflict, JsonValue, RunError, StoreRecord, Version } from '../store-api.ts';
import type { TargetSyncResult } from '../target-sync/target-sync.ts';

export type ConflictPolicy = 'manual' | 'notion-wins' | 'local-wins' | 'last-write-wins' | 'prompt';

/** The default name of the property holding the sync key of pages push creates. */
export const DEFAULT_SYNC_KEY_PROPERTY = 'notion-sync key';

/** A property changed differently on both sides, as `prompt` and `--force` listings see it. */
export interface PendingConflict {
  source: string;
  recordId: number;
  pageId: string | null;
  localKey: string;
  propertyId: string;
  propertyName: string;
  base: JsonValue | null;
  notion: JsonValue | null;
  local: JsonValue | null;
}

/** The answer to a conflict under the `prompt` policy; `skip` parks it in the queue. */
export type ConflictChoice = 'notion' | 'local' | 'skip';

export interface PushOptions {
  /** Recorded on the run and every version: `cli`, `schedule`, `api`, … */
  trigger?: string;
  /** Local wins every conflict of this run (`push --force`). */
  force?: boolean;
  /** Plan only: no Notion call, no store write; returns `planned` and an estimate. */
  dryRun?: boolean;
  /** Read Notion and merge, but write nothing: returns what local-wins would overwrite. */
  preview?: boolean;
  /** Requeue dead-lettered items first (`push --retry-dead`). */
  retryDead?: boolean;
  /** Asked for each conflict under the `prompt` policy; without it `prompt` parks conflicts. */
  onConflict?: (conflict: PendingConflict) => Promise<ConflictChoice>;
  /** Notices for the user (the sync key property was created, …). */
  onNotice?: (message: string) => void;
  /** Pacing used for the dry-run time estimate (default 3 requests/s). */
  requestsPerSecond?: number;
  /**
   * Stops the run at its next safe point (after the item being pushed): the run is marked
   * `interrupted`, the lease released, and the call rejects with `run_interrupted`.
   */
  signal?: AbortSignal;
  /** Called once the run has taken the source's lease, with its id. */
  onRun?: (runId: number) => void;
}

export interface PushCounts {
  /** Outbox items handled (written, merged or parked). */
  items: number;
  created: number;
  updated: number;
  deleted: number;
  /** Items with nothing left to write (Notion already had the values). */
  unchanged: number;
  /** Creates whose page was found by its sync key instead of being created again. */
  adopted: number;
  conflicts: number;
  /** Attempts that failed and will be retried. */
  failed: number;
  dead: number;
}

export interface PlannedWrite {
  outboxId: number;
  op: 'create' | 'update' | 'delete';
  recordId: number;
  pageId: string | null;
  /** Property names and the local values push would merge. */
  values: Record<string, JsonValue>;
  apiCalls: number;
}

export interface PushWaiting {
  items: number;
  /** When the earliest of them is due (ISO-8601), or null when none waits. */
  nextAttemptAt: string | null;
  lastError: string | null;
}

export interface SourcePushResult {
  source: string;
  status: 'ok' | 'failed' | 'interrupted';
  runId: number | null;
  counts: PushCounts;
  /** Conflicts parked in the queue by this run. */
  conflicts: Conflict[];
  /** Notion values replaced by local ones because local won a conflict (policy or --force). */
  overwritten: PendingConflict[];
  planned: PlannedWrite[];
  /**
   * Items left waiting for a retry when the run ended (their backoff runs past `retryWaitMs`):
   * how many, when the first is due, and the last error of that one. Null for a dry run.
   */
  waiting: PushWaiting | null;
  estimate: { apiCalls: number; seconds: number } | null;
  apiCalls: Record<string, number>;
  rateLimitWaits: number;
  errors: RunError[];
  durationMs: number;
}

export interface PushResult {
  ok: boolean;
  sources: SourcePushResult[];
  /** Conflicts open in the pushed sources when the run ended (exit status 3 when > 0). */
  openConflicts: number;
}

export interface SyncResult {
  ok: boolean;
  pull: PullResult;
  push: PushResult;
  openConflicts: number;
  /** Scan and export of the sources with a target (`target:` in the config). */
  targets?: TargetSyncResult[];
}

/** Values keyed by property name (or id), as plain values (see docs/property-codec.md). */
export type LocalValues = Record<string, PlainValue>;

export interface LocalEdit {
  record: StoreRecord;
  version: Version;
  outboxId: number;
  /**
   * A delete of a row whose create was never sent: both are dropped from the outbox, the record
   * is tombstoned `missing`, and push sends nothing.
   */
  cancelled?: true;
}

/** A parent page of a page tree: by id, or by the local key of a record not yet created. */
export type ParentPage = { pageId: string } | { localKey: string };

export interface CreateOptions {
  /** The record's local key (and a database page's sync key) instead of a random UUID. */
  localKey?: string;
  /**
   * The page body as Markdown (a file's body): push merges it line by line with Notion's body
   * against the last synced one. Only for sources that keep content (`content: markdown`).
   */
  content?: string;
  /** Page trees: the page the new page goes under. */
  parent?: ParentPage;
}

export interface UpdateOptions {
  /** The page body as Markdown (see CreateOptions). */
  content?: string;
  /**
   * The version the edit was made against (what a target last exported), when older than the
   * record's base: push merges against it, so Notion changes pulled meanwhile are not lost.
   */
  baseVersionId?: number;
  /** Page trees: move the page under this page. */
  parent?: ParentPage;
}

/** Local edits on the store target: each commits a version and its outbox row together. */
export interface RecordsApi {
  /**
   * `localKey` names the record (and the page's sync key) instead of a random UUID — a target
   * uses its item's key (a row's key), so the page and the row know each other.
   */
  create(source: string, values: LocalValues, options?: CreateOptions): Promise<LocalEdit>;
  /** `ref` is a page id or URL, or the record's local key. */
  update(
    source: string,
    ref: string,
    values: LocalValues,
    options?: UpdateOptions,
  ): Promise<LocalEdit>;
  delete(source: string, ref: string): Promise<LocalEdit>;
}

export interface ConflictDetail {
  conflict: Conflict;
  source: string;
  pageId: string | null;
  localKey: string;
}

export interface ConflictsApi {
  list(options?: {
    source?: string;
    state?: 'open' | 'resolved' | 'all';
  }): Promise<ConflictDetail[]>;
  get(conflictId: number): Promise<ConflictDetail>;
  /**
   * Resolves a conflict: `notion` keeps Notion's value; `local` or `value` queue a local edit
   * that the next push writes.
   */
  resolve(
    conflictId: number,
    choice: { take: 'notion' | 'local' } | { take: 'value'; value: PlainValue | string },
    resolvedBy?: string,
  ): Promise<ConflictDetail>;
}
