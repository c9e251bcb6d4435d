// Where a page of a page tree goes: the parent a local edit named, by page id or by the local
// key of a record whose own create may not have reached Notion yet (a new page under a new
// page). Such an item waits, like an edit of a row whose create is still pending, until the
// parent has its page — creates are queued parents first, so one push sends both.
import type { PageObjectResponse } from '@notionhq/client';
import { type OutboxPayload, payloadOf } from '../records-api.ts';
import type { OutboxItem, Store } from '../store-api.ts';
import type { PushContext } from './push-context.ts';
import type { ParentPage } from './push-types.ts';

/** The page id a parent reference names; null while its record has no page yet. */
export async function resolveParent(
  store: Store,
  sourceId: number,
  parent: ParentPage,
): Promise<string | null> {
  if ('pageId' in parent) return parent.pageId;
  const records = await store.records.findByKey(parent.localKey);
  return (
    records.find((r) => r.sourceId === sourceId && r.localKey === parent.localKey)?.pageId ?? null
  );
}

/** The parent page id, `undefined` when the payload names none, null while it waits. */
export async function parentPageOf(
  ctx: PushContext,
  payload: OutboxPayload,
): Promise<string | null | undefined> {
  if (!payload.parent) return undefined;
  return resolveParent(ctx.env.store, ctx.source.id, payload.parent);
}

/** False while the item's parent page has not been created yet. */
export async function treeItemReady(ctx: PushContext, item: OutboxItem): Promise<boolean> {
  if (item.op === 'delete') return true;
  return (await parentPageOf(ctx, payloadOf(item.payload))) !== null;
}

/** The page a page sits under (null under a block, a data source or the workspace). */
export function parentPageIdOf(page: Pick<PageObjectResponse, 'parent'>): string | null {
  const parent = page.parent as { type?: string; page_id?: string };
  return parent.type === 'page_id' ? (parent.page_id ?? null) : null;
}
