// The three kinds of outbox item. Invariants: a create is sent only when no page carries its sync
// key (looked up after any failed attempt or a crash); a page gone in Notion while the local side
// edited it is a conflict, never a silent resurrection; a local delete of a row Notion changed
// since the base goes through the policy like any conflict.
import type { CreatePageParameters, PageObjectResponse } from '@notionhq/client';
import { isNotionApiError } from '../../notion/index.ts';
import { recordPushedFiles, uploadLocalFiles } from '../files/local-files.ts';
import { type OutboxPayload, payloadOf } from '../records-api.ts';
import type { JsonValue, OutboxItem, StoreRecord } from '../store-api.ts';
import { bodyAfterCreate, markdownOnCreate } from './content/body-push.ts';
import { bookkeepingWrites } from './push-bookkeeping.ts';
import {
  type LivePage,
  livePageOf,
  notionStateOf,
  type PushContext,
  propertyOf,
  readLivePage,
} from './push-context.ts';
import { freshSnapshot, noteNotionTime } from './push-freshness.ts';
import { mergeProperties, type PropertyConflict, sameValue } from './push-merge.ts';
import { decideConflicts, parkConflicts } from './push-policy.ts';
import { baseFields, encodeWrites, mergeAndWrite } from './push-write.ts';
import { findPagesBySyncKey } from './sync-key.ts';

async function existingPageOf(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
): Promise<LivePage | null> {
  if (record.pageId) return readLivePage(ctx, record.pageId);
  // A requeued or rewritten item starts its attempts again but keeps its last error: any
  // earlier attempt may have been applied, so it is looked up too.
  if (item.attempts === 0 && item.lastError === null && !ctx.suspect.has(item.id)) return null;
  const [found] = await findPagesBySyncKey(
    ctx.env.notion,
    ctx.source.notionId,
    ctx.keyProperty,
    record.localKey,
  );
  return found ? livePageOf(ctx, found) : null;
}

export async function pushCreate(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
): Promise<void> {
  const payload = payloadOf(item.payload);
  const existing = await existingPageOf(ctx, item, record);
  if (existing) {
    // The create was applied although its answer was lost: merge against no base.
    await mergeAndWrite(ctx, item, record, existing, null, payload);
    ctx.counts.adopted += 1;
    return;
  }
  if (ctx.options.preview) return;
  const { writes, uploaded } = await uploadLocalFiles(ctx.env.store, ctx.env.notion, payload.set);
  const properties = { ...bookkeepingWrites(ctx, 'synced'), ...encodeWrites(ctx, writes) };

  properties[ctx.keyProperty] = { rich_text: [{ text: { content: record.localKey } }] };
  const page = (await ctx.env.notion.pages.create({
    parent: { data_source_id: ctx.source.notionId },
    properties,
    ...markdownOnCreate(payload),
  } as CreatePageParameters)) as PageObjectResponse;
  const content = await bodyAfterCreate(ctx, page.id, payload);
  const completed = await ctx.env.store.outbox.complete({
    outboxId: item.id,
    pageId: page.id,
    notionState: await notionStateOf(ctx, await livePageOf(ctx, page), record, content),
    provenance: { runId: ctx.runId, trigger: ctx.trigger, requestId: null },
  });
  await recordPushedFiles(
    ctx.env.store,
    ctx.source.schema,
    completed.version?.id,
    record.id,
    page,
    uploaded,
  );
  ctx.counts.created += 1;
}

/** Values by property id → by property name (how conflicts show them). */
function byName(ctx: PushContext, set: Record<string, JsonValue>): Record<string, JsonValue> {
  return Object.fromEntries(
    Object.entries(set).map(([id, v]) => [propertyOf(ctx, id)?.name ?? id, v]),
  );
}

/**
 * The person chose to keep a row whose page has since gone for good (404: trash emptied, or no
 * longer shared): nothing can be restored, so the record becomes a `missing` tombstone and its
 * local values stay in history — never parked again as the same conflict.
 */
async function restoreImpossible(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
): Promise<void> {
  if (ctx.options.preview) return;
  await ctx.env.store.outbox.complete({ outboxId: item.id });
  if (record.pageId) {
    await ctx.env.store.records.tombstone({
      sourceId: record.sourceId,
      pageIds: [record.pageId],
      state: 'missing',
      runId: ctx.runId,
    });
  }
  ctx.counts.unchanged += 1;
  ctx.options.onNotice?.(
    `Page ${record.pageId} of source "${ctx.config.name}" is gone for good in Notion (404: its trash was emptied, or it is no longer shared), so it cannot be restored. The row is now marked missing; your values stay in its history (\`notion-sync history ${record.pageId}\`) — to bring them back as a new page, use \`notion-sync new ${ctx.config.name} Prop=value …\`.`,
  );
}

/** The page is gone on the Notion side while the local side edited it: a conflict. */
async function remoteDeleted(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
  live: LivePage | null,
  payload: OutboxPayload,
): Promise<void> {
  if (!live && payload.restore) return restoreImpossible(ctx, item, record);
  const gone: PropertyConflict = {
    propertyId: '__page__',
    base: 'live',
    notion: live ? 'trashed' : 'missing',
    local: byName(ctx, payload.set),
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

/**
 * Runs `write` against the store's snapshot when the freshness check proves it current; true
 * when done. A conflict is always decided on a page read just before (the caller's path), and
 * a write Notion refuses because the page was trashed or deleted since (trashing need not move
 * last_edited_time) applied nothing: the caller then reads the page as before.
 */
async function viaSnapshot(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
  write: (live: LivePage, base: Record<string, JsonValue> | null) => Promise<boolean>,
): Promise<boolean> {
  const snapshot = await freshSnapshot(ctx, item, record);
  if (!snapshot) return false;
  try {
    return await write(snapshot, await baseFields(ctx, record, payloadOf(item.payload)));
  } catch (error) {
    if (isNotionApiError(error) && REFUSED.has(error.code)) return false;
    throw error;
  }
}

const REFUSED = new Set(['notion_validation', 'notion_not_found']);

async function updateLive(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
  live: LivePage,
  payload: OutboxPayload,
  base: Record<string, JsonValue> | null,
): Promise<void> {
  const outcome = await mergeAndWrite(ctx, item, record, live, base, payload);
  if (outcome === 'written') ctx.counts.updated += 1;
  else ctx.counts.unchanged += 1;
}

export async function pushUpdate(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
): Promise<void> {
  const payload = payloadOf(item.payload);
  const viaStore = async (snapshot: LivePage, base: Record<string, JsonValue> | null) => {
    if (mergeProperties(payload.set, base, snapshot.values).conflicts.length > 0) return false;
    await updateLive(ctx, item, record, snapshot, payload, base);
    return true;
  };
  // A body is merged with the live page's Markdown: never against the store's snapshot.
  if (payload.content === undefined && (await viaSnapshot(ctx, item, record, viaStore))) return;
  let live = await readLivePage(ctx, record.pageId!);
  if (live?.page.in_trash && payload.restore && !ctx.options.preview) {
    const page = (await ctx.env.notion.pages.update({
      page_id: live.page.id,
      in_trash: false,
    })) as PageObjectResponse;
    live = await livePageOf(ctx, page);
  }
  if (!live || live.page.in_trash) return remoteDeleted(ctx, item, record, live, payload);
  await updateLive(ctx, item, record, live, payload, await baseFields(ctx, record, payload));
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

export async function pushDelete(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
): Promise<void> {
  const viaStore = async (snapshot: LivePage, base: Record<string, JsonValue> | null) => {
    if (notionChanges(ctx, base, snapshot).length > 0) return false;
    await deleteLive(ctx, item, record, snapshot);
    return true;
  };
  if (await viaSnapshot(ctx, item, record, viaStore)) return;
  const live = record.pageId ? await readLivePage(ctx, record.pageId) : null;
  if (!live || live.page.in_trash) {
    if (!ctx.options.preview) await ctx.env.store.outbox.complete({ outboxId: item.id });
    ctx.counts.unchanged += 1;
    return;
  }
  await deleteLive(ctx, item, record, live);
}

async function deleteLive(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
  live: LivePage,
): Promise<void> {
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
  noteNotionTime(ctx, trashed);
  await ctx.env.store.outbox.complete({
    outboxId: item.id,
    notionState: await notionStateOf(ctx, await livePageOf(ctx, trashed), record),
  });
  ctx.counts.deleted += 1;
}
