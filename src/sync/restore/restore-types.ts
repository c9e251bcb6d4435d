// Types of `notion-sync restore` / `engine.restore`.
import type { SourcePushResult } from '../push/push-types.ts';
import type { JsonValue } from '../store-api.ts';

/** A whole source as it was at a time, or one page as it was at one of its versions. */
export type RestoreTarget = { source: string; asOf: string } | { page: string; toVersion: number };

export interface RestorePropertyChange {
  propertyId: string;
  name: string;
  /** Notion's value now (as last pulled, just before planning). */
  now: JsonValue | null;
  /** The value restore writes. */
  restored: JsonValue | null;
}

export interface RestoreChange {
  recordId: number;
  pageId: string;
  /**
   * `update`: write properties back; `trash`: created after the time, moved to the trash;
   * `untrash`: trashed since, taken out of the trash (and its properties written back);
   * `impossible`: gone for good in Notion (404), nothing can be written; `pending_edit`: the
   * row has a local edit not pushed yet — restore pushes it first (with the usual merge), then
   * restores the row; if the edit cannot go out (a conflict, a dead letter) the row is left.
   */
  action: 'update' | 'trash' | 'untrash' | 'impossible' | 'pending_edit';
  properties: RestorePropertyChange[];
}

export interface RestorePlan {
  source: string;
  /** The point in time (source restore), or null for a page version. */
  asOf: string | null;
  /** The version restored (page restore). */
  toVersion: number | null;
  /** When the source's stored history starts. */
  earliest: string | null;
  changes: RestoreChange[];
  /** Page content is not restored yet (content push is a later issue); properties and trash state are. */
  contentRestored: false;
}

export interface RestoreOptions {
  /** Plan only: pull (reads), compare, change nothing in Notion. */
  dryRun?: boolean;
}

export interface RestoreResult {
  plan: RestorePlan;
  applied: boolean;
  /** The push run that wrote the restore (trigger `restore`). */
  runId: number | null;
  push: SourcePushResult | null;
}

/** Changes that write something (impossible and blocked ones excluded). */
export function writableChanges(plan: RestorePlan): RestoreChange[] {
  return plan.changes.filter((c) => c.action !== 'impossible' && c.action !== 'pending_edit');
}
