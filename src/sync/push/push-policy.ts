// What happens to a property changed differently on both sides. Invariants: the choice is never
// silent — a conflict local wins is listed in `overwritten`, one Notion wins or a person resolved
// is recorded as a resolved conflict, and anything not decided is parked open in the queue with
// base, Notion and local values (`manual`, `prompt` skipped or without a TTY).

import type { OutboxItem, StoreRecord } from '../store-api.ts';
import type { PushContext } from './push-context.ts';
import type { PropertyConflict } from './push-merge.ts';
import type { ConflictChoice, PendingConflict } from './push-types.ts';

export interface ConflictDecision {
  /** Conflicts whose local value is written. */
  local: PropertyConflict[];
  /** Conflicts parked open in the queue. */
  parked: PropertyConflict[];
}

function pendingOf(
  ctx: PushContext,
  record: StoreRecord,
  conflict: PropertyConflict,
  name: string,
): PendingConflict {
  return {
    source: ctx.config.name,
    recordId: record.id,
    pageId: record.pageId,
    localKey: record.localKey,
    propertyId: conflict.propertyId,
    propertyName: name,
    base: conflict.base,
    notion: conflict.notion,
    local: conflict.local,
  };
}

async function choose(
  ctx: PushContext,
  item: OutboxItem,
  notionEditedAt: string | null,
  pending: PendingConflict,
): Promise<ConflictChoice> {
  switch (ctx.policy) {
    case 'local-wins':
      return 'local';
    case 'notion-wins':
      return 'notion';
    case 'last-write-wins': {
      // The local edit's time is its version's; Notion rounds last_edited_time down to the
      // minute, so a local edit within that minute counts as the later one.
      const version = await ctx.env.store.history.getVersionById(item.versionId);
      const localAt = Date.parse(version?.createdAt ?? item.updatedAt);
      return notionEditedAt === null || localAt >= Date.parse(notionEditedAt) ? 'local' : 'notion';
    }
    case 'prompt':
      return ctx.options.onConflict ? ctx.options.onConflict(pending) : 'skip';
    default:
      return 'skip';
  }
}

/** Applies the source's policy (or `--force`) to the conflicts of one outbox item. */
export async function decideConflicts(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
  conflicts: PropertyConflict[],
  names: Record<string, string>,
  notionEditedAt: string | null,
): Promise<ConflictDecision> {
  const decision: ConflictDecision = { local: [], parked: [] };
  for (const conflict of conflicts) {
    const name = names[conflict.propertyId] ?? conflict.propertyId;
    const pending = pendingOf(ctx, record, conflict, name);
    const choice = await choose(ctx, item, notionEditedAt, pending);
    if (choice === 'local') {
      decision.local.push(conflict);
      ctx.overwritten.push(pending);
    } else if (choice === 'skip') decision.parked.push(conflict);
    if (ctx.options.preview || choice === 'skip') continue;
    // Decided automatically or by a person: kept as a resolved conflict for the audit trail.
    const opened = await ctx.env.store.conflicts.open({
      recordId: record.id,
      propertyId: conflict.propertyId,
      propertyName: name,
      baseValue: conflict.base,
      notionValue: conflict.notion,
      localValue: conflict.local,
      outboxId: item.id,
      runId: ctx.runId,
    });
    await ctx.env.store.conflicts.resolve(opened.id, {
      take: choice,
      resolvedBy: ctx.options.force ? 'push --force' : `policy:${ctx.policy}`,
    });
  }
  return decision;
}

/** Parks conflicts open in the queue. */
export async function parkConflicts(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
  conflicts: PropertyConflict[],
  names: Record<string, string>,
): Promise<void> {
  for (const conflict of conflicts) {
    const parked = await ctx.env.store.conflicts.open({
      recordId: record.id,
      propertyId: conflict.propertyId,
      propertyName: names[conflict.propertyId] ?? conflict.propertyId,
      baseValue: conflict.base,
      notionValue: conflict.notion,
      localValue: conflict.local,
      outboxId: item.id,
      runId: ctx.runId,
    });
    ctx.parked.push(parked);
    ctx.counts.conflicts += 1;
  }
}
