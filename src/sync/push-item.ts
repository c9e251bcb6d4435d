// One outbox item: read the live page, merge, write, complete. Invariants:
// - an item is claimed (pending → in_flight) before any write, and completed with Notion's state
//   after the write in one store transaction (the echo of our write is then no remote edit);
// - a create is sent only when no page carries its sync key: after any failed attempt, or when
//   it was found in flight (a crash), the key is looked up first;
// - updates and trashes set values, so repeating them after an ambiguous failure is harmless;
// - a failure counts an attempt (backoff, dead after the last one); permanent errors (validation)
//   are dead at once; nothing is ever retried by sending a create blindly.
import type { CreatePageParameters, PageObjectResponse } from '@notionhq/client';
import {
  encodePropertyValue,
  isAmbiguousWriteError,
  isNotionApiError,
  type PlainValue,
} from '../notion/index.ts';
import {
  type LivePage,
  livePageOf,
  notionStateOf,
  type PushContext,
  propertyOf,
  readLivePage,
} from './push-context.ts';
import { mergeProperties, type PropertyConflict, sameValue } from './push-merge.ts';
import { decideConflicts, parkConflicts } from './push-policy.ts';
import { type OutboxPayload, payloadOf } from './records-api.ts';
import type { JsonValue, OutboxItem, StoreRecord } from './store-api.ts';
import { findPagesBySyncKey } from './sync-key.ts';

type Properties = Record<string, Record<string, unknown>>;

/** Encodes values by property id into a request keyed by current property names. */
function encodeWrites(
  ctx: PushContext,
  writes: Record<string, JsonValue>,
  live?: LivePage,
): Properties {
  const out: Properties = {};
  for (const [id, value] of Object.entries(writes)) {
    const property = propertyOf(ctx, id, live);
    if (!property) continue;
    out[property.name] = encodePropertyValue(property, value as PlainValue);
  }
  return out;
}

async function baseFields(
  ctx: PushContext,
  record: StoreRecord,
): Promise<Record<string, JsonValue> | null> {
  if (record.baseVersionId === null) return null;
  return (await ctx.env.store.history.getVersionById(record.baseVersionId))?.fields ?? null;
}

/** Merges, applies the policy, writes what is left to write and completes the item. */
async function mergeAndWrite(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
  live: LivePage,
  base: Record<string, JsonValue> | null,
  payload: OutboxPayload,
): Promise<'written' | 'unchanged'> {
  const set = Object.fromEntries(
    Object.entries(payload.set).filter(([id]) => propertyOf(ctx, id) !== null),
  );
  const merged = mergeProperties(set, base, live.values);
  const names = { ...live.names };
  const decision = await decideConflicts(
    ctx,
    item,
    record,
    merged.conflicts,
    names,
    live.page.last_edited_time,
  );
  const writes = { ...merged.writes };
  for (const c of decision.local) writes[c.propertyId] = c.local;
  if (ctx.options.preview) return 'unchanged';
  let after = live;
  if (Object.keys(writes).length > 0) {
    const page = (await ctx.env.notion.pages.update({
      page_id: live.page.id,
      properties: encodeWrites(ctx, writes, live),
    } as Parameters<typeof ctx.env.notion.pages.update>[0])) as PageObjectResponse;
    after = await livePageOf(ctx, page);
  }
  await parkConflicts(ctx, item, record, decision.parked, names);
  await ctx.env.store.outbox.complete({
    outboxId: item.id,
    ...(record.pageId === null ? { pageId: live.page.id } : {}),
    notionState: await notionStateOf(ctx, after, record),
    provenance: { runId: ctx.runId, trigger: ctx.trigger, requestId: null },
  });
  return Object.keys(writes).length > 0 ? 'written' : 'unchanged';
}

/** The page of a create that may already exist (adopted by a pull, or found by its sync key). */
async function existingPageOf(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
): Promise<LivePage | null> {
  if (record.pageId) return readLivePage(ctx, record.pageId);
  if (item.attempts === 0 && !ctx.suspect.has(item.id)) return null;
  const [found] = await findPagesBySyncKey(
    ctx.env.notion,
    ctx.source.notionId,
    ctx.keyProperty,
    record.localKey,
  );
  return found ? livePageOf(ctx, found) : null;
}

async function pushCreate(ctx: PushContext, item: OutboxItem, record: StoreRecord): Promise<void> {
  const payload = payloadOf(item.payload);
  const existing = await existingPageOf(ctx, item, record);
  if (existing) {
    // The create was applied although its answer was lost: merge against no base.
    await mergeAndWrite(ctx, item, record, existing, null, payload);
    ctx.counts.adopted += 1;
    return;
  }
  if (ctx.options.preview) return;
  const properties = encodeWrites(ctx, payload.set);
  properties[ctx.keyProperty] = { rich_text: [{ text: { content: record.localKey } }] };
  const page = (await ctx.env.notion.pages.create({
    parent: { data_source_id: ctx.source.notionId },
    properties,
  } as CreatePageParameters)) as PageObjectResponse;
  await ctx.env.store.outbox.complete({
    outboxId: item.id,
    pageId: page.id,
    notionState: await notionStateOf(ctx, await livePageOf(ctx, page), record),
    provenance: { runId: ctx.runId, trigger: ctx.trigger, requestId: null },
  });
  ctx.counts.created += 1;
}

/** The page is gone on the Notion side while the local side edited it: a conflict. */
async function remoteDeleted(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
  live: LivePage | null,
  payload: OutboxPayload,
): Promise<void> {
  const gone: PropertyConflict = {
    propertyId: '__page__',
    base: 'live',
    notion: live ? 'trashed' : 'missing',
    local: payload.set,
  };
  const names = { __page__: '(page deleted in Notion)' };
  const decision = await decideConflicts(ctx, item, record, [gone], names, null);
  if (ctx.options.preview) return;
  if (decision.local.length > 0 && live) {
    const restored = (await ctx.env.notion.pages.update({
      page_id: live.page.id,
      in_trash: false,
    })) as PageObjectResponse;
    await mergeAndWrite(ctx, item, record, await livePageOf(ctx, restored), null, payload);
    return;
  }
  await parkConflicts(ctx, item, record, decision.parked, names);
  await ctx.env.store.outbox.complete({ outboxId: item.id });
  if (decision.parked.length === 0 && record.pageId) {
    await ctx.env.store.records.tombstone({
      sourceId: record.sourceId,
      pageIds: [record.pageId],
      state: live ? 'trashed' : 'missing',
      runId: ctx.runId,
    });
  }
}

async function pushUpdate(ctx: PushContext, item: OutboxItem, record: StoreRecord): Promise<void> {
  const payload = payloadOf(item.payload);
  let live = await readLivePage(ctx, record.pageId!);
  if (live?.page.in_trash && payload.restore && !ctx.options.preview) {
    const page = (await ctx.env.notion.pages.update({
      page_id: live.page.id,
      in_trash: false,
    })) as PageObjectResponse;
    live = await livePageOf(ctx, page);
  }
  if (!live || live.page.in_trash) return remoteDeleted(ctx, item, record, live, payload);
  const outcome = await mergeAndWrite(
    ctx,
    item,
    record,
    live,
    await baseFields(ctx, record),
    payload,
  );
  if (outcome === 'written') ctx.counts.updated += 1;
  else ctx.counts.unchanged += 1;
}

/** Properties Notion changed since the base (a local delete would throw them away). */
function notionChanges(
  ctx: PushContext,
  base: Record<string, JsonValue> | null,
  live: LivePage,
): PropertyConflict[] {
  if (!base) return [];
  return Object.keys(ctx.source.schema.properties)
    .filter((id) => id !== '__page__' && !sameValue(base[id], live.values[id]))
    .map((id) => ({
      propertyId: id,
      base: base[id] ?? null,
      notion: live.values[id] ?? null,
      local: null,
    }));
}

async function pushDelete(ctx: PushContext, item: OutboxItem, record: StoreRecord): Promise<void> {
  const live = record.pageId ? await readLivePage(ctx, record.pageId) : null;
  if (!live || live.page.in_trash) {
    if (!ctx.options.preview) await ctx.env.store.outbox.complete({ outboxId: item.id });
    ctx.counts.unchanged += 1;
    return;
  }
  const changed = notionChanges(ctx, await baseFields(ctx, record), live);
  if (changed.length > 0) {
    const conflict: PropertyConflict = {
      propertyId: '__page__',
      base: 'live',
      notion: Object.fromEntries(
        changed.map((c) => [live.names[c.propertyId] ?? c.propertyId, c.notion]),
      ),
      local: 'deleted',
    };
    const names = { __page__: '(page deleted locally, edited in Notion)' };
    const decision = await decideConflicts(
      ctx,
      item,
      record,
      [conflict],
      names,
      live.page.last_edited_time,
    );
    if (decision.local.length === 0) {
      if (ctx.options.preview) return;
      await parkConflicts(ctx, item, record, decision.parked, names);
      await ctx.env.store.outbox.complete({
        outboxId: item.id,
        notionState: await notionStateOf(ctx, live, record),
      });
      await ctx.env.store.records.restore(record.id);
      return;
    }
  }
  if (ctx.options.preview) return;
  const trashed = (await ctx.env.notion.pages.update({
    page_id: live.page.id,
    in_trash: true,
  })) as PageObjectResponse;
  await ctx.env.store.outbox.complete({
    outboxId: item.id,
    notionState: await notionStateOf(ctx, await livePageOf(ctx, trashed), record),
  });
  ctx.counts.deleted += 1;
}

function isPermanent(error: unknown): boolean {
  if (isNotionApiError(error))
    return error.kind === 'permanent' && error.code !== 'notion_conflict';
  return (error as { code?: unknown })?.code === 'value_invalid';
}

/**
 * Pushes one outbox item. Returns false when it is not ready (an edit of a row whose create has
 * not reached Notion yet). Failures are recorded on the item, never thrown, except when the
 * store itself fails.
 */
async function runOp(ctx: PushContext, item: OutboxItem, record: StoreRecord): Promise<void> {
  if (item.op === 'create') await pushCreate(ctx, item, record);
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

/**
 * Pushes one outbox item. Returns false when it is not ready (an edit of a row whose create has
 * not reached Notion yet). Failures are recorded on the item, never thrown, except when the
 * store itself fails.
 */
export async function pushItem(ctx: PushContext, item: OutboxItem): Promise<boolean> {
  const record = await ctx.env.store.records.get(item.recordId);
  if (!record) return false;
  if (item.op === 'update' && record.pageId === null) return false;
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
