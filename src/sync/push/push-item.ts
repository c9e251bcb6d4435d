// One outbox item: read the live page, merge, write, complete. Invariants:
// - an item is claimed (pending → in_flight) before any write, and completed with Notion's state
//   after the write in one store transaction (the echo of our write is then no remote edit);
// - a create is sent only when no page carries its sync key: after any failed attempt, or when
//   it was found in flight (a crash), the key is looked up first;
// - updates and trashes set values, so repeating them after an ambiguous failure is harmless;
// - a failure counts an attempt (backoff, dead after the last one); permanent errors (validation)
//   are dead at once; nothing is ever retried by sending a create blindly.
import { isAmbiguousWriteError, isNotionApiError } from '../../notion/index.ts';
import type { OutboxItem, StoreRecord } from '../store-api.ts';
import type { PushContext } from './push-context.ts';
import { pushCreate, pushDelete, pushUpdate } from './push-ops.ts';
import { pushTreeCreate, pushTreeDelete, pushTreeUpdate } from './tree-ops.ts';
import { treeItemReady } from './tree-parent.ts';

function isPermanent(error: unknown): boolean {
  if (isNotionApiError(error))
    return error.kind === 'permanent' && error.code !== 'notion_conflict';
  const code = (error as { code?: unknown })?.code;
  // A file over the workspace's limit, or no longer in the file store, never gets through.
  return code === 'value_invalid' || code === 'file_too_large' || code === 'file_not_found';
}

/**
 * Pushes one outbox item. Returns false when it is not ready (an edit of a row whose create has
 * not reached Notion yet). Failures are recorded on the item, never thrown, except when the
 * store itself fails.
 */
async function runOp(ctx: PushContext, item: OutboxItem, record: StoreRecord): Promise<void> {
  const tree = ctx.source.kind === 'page';
  if (tree && item.op === 'create') await pushTreeCreate(ctx, item, record);
  else if (tree && item.op === 'update') await pushTreeUpdate(ctx, item, record);
  else if (tree) await pushTreeDelete(ctx, item, record);
  else if (item.op === 'create') await pushCreate(ctx, item, record);
  else if (item.op === 'update') await pushUpdate(ctx, item, record);
  else await pushDelete(ctx, item, record);
}

/**
 * Runs the item; after an ambiguous failure (the write may have been applied) it looks again
 * at once — the sync key for a create, the live page for an update — so the outcome is known
 * before anything else is queued on top of it.
 */
async function runWithConfirm(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
): Promise<void> {
  try {
    await runOp(ctx, item, record);
  } catch (error) {
    if (!isAmbiguousWriteError(error) || ctx.options.preview) throw error;
    ctx.suspect.add(item.id);
    const fresh = (await ctx.env.store.records.get(record.id)) ?? record;
    try {
      await runOp(ctx, item, fresh);
    } catch {
      throw error;
    }
  }
}

async function recordItemFailure(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const failed = await ctx.env.store.outbox.recordFailure(item.id, {
    error: message,
    retryable: !isPermanent(error),
    maxAttempts: ctx.env.maxAttempts,
  });
  ctx.counts.failed += 1;
  if (failed.state === 'dead') ctx.counts.dead += 1;
  ctx.meter.errors.push({
    code: error instanceof Error && 'code' in error ? String(error.code) : 'internal',
    message,
    ...(record.pageId ? { pageId: record.pageId } : {}),
    at: new Date(ctx.env.clock.now()).toISOString(),
  });
  ctx.env.logger.debug({ outboxId: item.id, err: error }, 'push item failed');
}

/** True while the record's create has not reached Notion (pending, in flight or dead). */
async function createWaits(ctx: PushContext, item: OutboxItem): Promise<boolean> {
  for (const state of ['pending', 'in_flight', 'dead'] as const) {
    const items = await ctx.env.store.outbox.list({ sourceId: item.sourceId, state });
    if (items.some((i) => i.recordId === item.recordId && i.op === 'create')) return true;
  }
  return false;
}

/**
 * Pushes one outbox item. Returns false when it is not ready (an edit of a row whose create has
 * not reached Notion yet). Failures are recorded on the item, never thrown, except when the
 * store itself fails.
 */
export async function pushItem(ctx: PushContext, item: OutboxItem): Promise<boolean> {
  const record = await ctx.env.store.records.get(item.recordId);
  if (!record) return false;
  if (item.op !== 'create' && record.pageId === null && (await createWaits(ctx, item)))
    return false;
  if (ctx.source.kind === 'page' && !(await treeItemReady(ctx, item))) return false;
  if (!ctx.options.preview && !(await ctx.env.store.outbox.claim(item.id))) return false;
  ctx.counts.items += 1;
  try {
    await runWithConfirm(ctx, item, record);
  } catch (error) {
    if (ctx.options.preview) throw error;
    await recordItemFailure(ctx, item, record, error);
  }
  return true;
}
