// Outbox items of a page tree (a page source with a folder target). Invariants:
// - a create goes under the parent page its item names (a new page under a new page waits for
//   its parent, tree-parent.ts); it is sent only when no earlier attempt made the page: after
//   any failed or in-flight attempt the parent's children are looked up first
//   (tree-create-lookup.ts) — zero duplicate pages without a sync key;
// - a move is Notion's move endpoint, sent only when the live page sits elsewhere, so repeating
//   it after an ambiguous failure is harmless; the record's parent follows what Notion confirmed
//   before the item completes;
// - titles merge like any property (push-ops.ts), and deletes are the database path's; as in
//   Notion, the pages under a trashed page go with it: their records are tombstoned too (those
//   with a local edit still waiting excepted — that edit may take them out first).
import type { PageObjectResponse } from '@notionhq/client';
import { NotionSyncError } from '../../errors.ts';
import { payloadOf } from '../records-api.ts';
import type { OutboxItem, StoreRecord } from '../store-api.ts';
import { bodyAfterCreate, markdownOnCreate } from './content/body-push.ts';
import { livePageOf, notionStateOf, type PushContext, readLivePage } from './push-context.ts';
import { noteNotionTime } from './push-freshness.ts';
import { pushDelete, pushUpdate } from './push-ops.ts';
import { encodeWrites, mergeAndWrite } from './push-write.ts';
import { findOurCreate, isSuspect } from './tree-create-lookup.ts';
import { parentPageIdOf, parentPageOf } from './tree-parent.ts';

async function targetParent(ctx: PushContext, item: OutboxItem): Promise<string> {
  const parentId = await parentPageOf(ctx, payloadOf(item.payload));
  if (parentId === null) {
    // treeItemReady holds such items back; reaching here means the parent's create is gone.
    throw new NotionSyncError(
      'store_invalid_state',
      `The parent page of outbox item ${item.id} was never created in Notion; recreate its file and sync again.`,
      { details: { outboxId: item.id } },
    );
  }
  return parentId ?? ctx.source.notionId;
}

export async function pushTreeCreate(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
): Promise<void> {
  const payload = payloadOf(item.payload);
  const parentId = await targetParent(ctx, item);
  const existing = record.pageId
    ? await readLivePage(ctx, record.pageId)
    : isSuspect(item, ctx.suspect)
      ? await findOurCreate(ctx, item, record, parentId)
      : null;
  if (existing) {
    if (ctx.options.preview) return;
    if (record.parentId !== parentId) await ctx.env.store.records.setParent(record.id, parentId);
    await mergeAndWrite(ctx, item, record, existing, null, payload);
    ctx.counts.adopted += 1;
    return;
  }
  if (ctx.options.preview) return;
  const page = (await ctx.env.notion.pages.create({
    parent: { page_id: parentId },
    properties: encodeWrites(ctx, payload.set),
    ...markdownOnCreate(payload),
  } as Parameters<typeof ctx.env.notion.pages.create>[0])) as PageObjectResponse;
  noteNotionTime(ctx, page);
  const content = await bodyAfterCreate(ctx, page.id, payload);
  // The parent first: the record has no page yet, so nothing is laid out by it before complete.
  if (record.parentId !== parentId) await ctx.env.store.records.setParent(record.id, parentId);
  await ctx.env.store.outbox.complete({
    outboxId: item.id,
    pageId: page.id,
    notionState: await notionStateOf(ctx, await livePageOf(ctx, page), record, content),
    provenance: { runId: ctx.runId, trigger: ctx.trigger, requestId: null },
  });
  ctx.counts.created += 1;
}

/** Moves the page when the item names another parent than the one it has in Notion. */
async function moveIfAsked(ctx: PushContext, item: OutboxItem, record: StoreRecord) {
  const payload = payloadOf(item.payload);
  if (!payload.parent || !record.pageId || ctx.options.preview) return;
  const parentId = await targetParent(ctx, item);
  const live = await readLivePage(ctx, record.pageId);
  // A page gone or trashed in Notion is the update's business (a conflict, never a move).
  if (!live || live.page.in_trash) return;
  if (parentPageIdOf(live.page) !== parentId) {
    const moved = (await ctx.env.notion.pages.move({
      page_id: record.pageId,
      parent: { type: 'page_id', page_id: parentId },
    } as Parameters<typeof ctx.env.notion.pages.move>[0])) as PageObjectResponse;
    noteNotionTime(ctx, moved);
  }
  if (record.parentId !== parentId) await ctx.env.store.records.setParent(record.id, parentId);
}

export async function pushTreeUpdate(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
): Promise<void> {
  await moveIfAsked(ctx, item, record);
  await pushUpdate(ctx, item, record);
}

/** Records under `pageId` (any depth) with no local edit waiting. */
async function descendantsOf(ctx: PushContext, pageId: string): Promise<string[]> {
  const { store } = ctx.env;
  const views = await store.targets.listRecords(ctx.source.id);
  const waiting = new Set<number>();
  for (const state of ['pending', 'in_flight', 'dead'] as const)
    for (const i of await store.outbox.list({ sourceId: ctx.source.id, state }))
      waiting.add(i.recordId);
  const out: string[] = [];
  const visit = (parent: string) => {
    for (const { record } of views) {
      if (record.parentId !== parent || !record.pageId || record.tombstone !== null) continue;
      if (!waiting.has(record.id)) out.push(record.pageId);
      visit(record.pageId);
    }
  };
  visit(pageId);
  return out;
}

export async function pushTreeDelete(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
): Promise<void> {
  await pushDelete(ctx, item, record);
  const after = await ctx.env.store.records.get(record.id);
  if (ctx.options.preview || !record.pageId || after?.tombstone !== 'trashed') return;
  const pageIds = await descendantsOf(ctx, record.pageId);
  if (pageIds.length === 0) return;
  await ctx.env.store.records.tombstone({
    sourceId: record.sourceId,
    pageIds,
    state: 'trashed',
    runId: ctx.runId,
  });
}
