// Zero duplicate pages in a page tree. Pages outside databases carry no property but their
// title, so a create has no sync key: after an AMBIGUOUS failure (timeout, 5xx, a reset after
// the request was sent — it may have been applied) the page is looked for among the parent's
// children created by our integration since the item was queued (Notion rounds created_time
// down to the minute; the overlap absorbs clock skew), under any title the record had locally,
// before any second create. The same description lets a pull that meets such a page first
// attach it to the waiting record instead of making it a second record (pull-page-tree.ts).
import type { BlockObjectResponse, PageObjectResponse } from '@notionhq/client';
import type { NotionClient } from '../../notion/index.ts';
import { payloadOf } from '../records-api.ts';
import type { OutboxItem, Store, StoreRecord } from '../store-api.ts';
import { type LivePage, type PushContext, readLivePage } from './push-context.ts';
import { resolveParent } from './tree-parent.ts';

const MINUTE_MS = 60_000;

/** A create that may have been applied although its answer was lost. */
export interface SuspectCreate {
  recordId: number;
  localKey: string;
  parentId: string;
  /** Every title the record had locally (a rename may have been absorbed after the attempt). */
  titles: Set<string>;
  /** Pages created before this (ms) cannot be the create's. */
  sinceMs: number;
}

/** A page as the lookup compares it: its parent, creator, creation minute and title. */
export interface CreatedPage {
  id: string;
  parentId: string | null;
  createdBy: string;
  createdTime: string;
  title: string;
}

const bots = new WeakMap<NotionClient, Promise<string>>();

/** The integration's bot user id (pages it creates carry it in `created_by`), read once. */
export function botIdOf(notion: NotionClient): Promise<string> {
  let id = bots.get(notion);
  if (!id) {
    id = notion.users.me().then((me) => me.id);
    id.catch(() => bots.delete(notion));
    bots.set(notion, id);
  }
  return id;
}

export function isSuspect(item: OutboxItem, suspect: ReadonlySet<number> = new Set()): boolean {
  return (
    item.attempts > 0 ||
    item.lastError !== null ||
    item.state === 'in_flight' ||
    suspect.has(item.id)
  );
}

async function titlesOf(store: Store, record: StoreRecord): Promise<Set<string>> {
  const titles = new Set<string>();
  for (const version of await store.history.listVersions(record.id)) {
    const title = version.fields.title;
    if (version.origin === 'local' && typeof title === 'string') titles.add(title);
  }
  return titles;
}

export async function describeCreate(
  store: Store,
  item: OutboxItem,
  record: StoreRecord,
  parentId: string,
  overlapMs: number,
): Promise<SuspectCreate> {
  const queued = Date.parse(item.createdAt);
  const title = payloadOf(item.payload).set.title;
  const titles = await titlesOf(store, record);
  if (typeof title === 'string') titles.add(title);
  return {
    recordId: record.id,
    localKey: record.localKey,
    parentId,
    titles,
    sinceMs: Math.floor(queued / MINUTE_MS) * MINUTE_MS - overlapMs,
  };
}

export function isOurCreate(page: CreatedPage, create: SuspectCreate, botId: string): boolean {
  return (
    page.parentId === create.parentId &&
    page.createdBy === botId &&
    Date.parse(page.createdTime) >= create.sinceMs &&
    create.titles.has(page.title)
  );
}

/** A pulled page in the lookup's terms. */
export function createdPageOf(page: PageObjectResponse): CreatedPage {
  const parent = page.parent as { type?: string; page_id?: string };
  const title = Object.values(page.properties).find((p) => p.type === 'title') as
    | { title: { plain_text: string }[] }
    | undefined;
  return {
    id: page.id,
    parentId: parent.type === 'page_id' ? (parent.page_id ?? null) : null,
    createdBy: page.created_by.id,
    createdTime: page.created_time,
    title: (title?.title ?? []).map((t) => t.plain_text).join(''),
  };
}

function childPageOf(block: BlockObjectResponse, parentId: string): CreatedPage | null {
  if (block.type !== 'child_page' || block.in_trash) return null;
  return {
    id: block.id,
    parentId,
    createdBy: block.created_by.id,
    createdTime: block.created_time,
    title: block.child_page.title,
  };
}

/** The page an earlier attempt of this create made, or null when there is none. */
export async function findOurCreate(
  ctx: PushContext,
  item: OutboxItem,
  record: StoreRecord,
  parentId: string,
): Promise<LivePage | null> {
  const { store, notion } = ctx.env;
  const create = await describeCreate(store, item, record, parentId, ctx.env.overlapMs);
  const botId = await botIdOf(notion);
  for await (const block of notion.iterateBlockChildren(parentId)) {
    const page = childPageOf(block, parentId);
    if (!page || !isOurCreate(page, create, botId)) continue;
    const known = await store.records.findByPageId(ctx.source.id, page.id);
    if (known && known.id !== record.id) continue;
    const live = await readLivePage(ctx, page.id);
    if (live && !live.page.in_trash) return live;
  }
  return null;
}

/** The source's creates that may have reached Notion without our knowing. */
export async function listSuspectCreates(
  store: Store,
  sourceId: number,
  overlapMs: number,
): Promise<SuspectCreate[]> {
  const out: SuspectCreate[] = [];
  for (const state of ['pending', 'in_flight', 'dead'] as const) {
    for (const item of await store.outbox.list({ sourceId, state })) {
      if (item.op !== 'create' || !isSuspect(item)) continue;
      const record = await store.records.get(item.recordId);
      const parent = payloadOf(item.payload).parent;
      if (!record || record.pageId !== null || !parent) continue;
      const parentId = await resolveParent(store, sourceId, parent);
      if (parentId) out.push(await describeCreate(store, item, record, parentId, overlapMs));
    }
  }
  return out;
}
