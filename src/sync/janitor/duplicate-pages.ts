// Duplicate pages in Notion: live pages of one data source carrying the same sync key (left by a
// create whose answer was lost in another tool, or by an older version). Invariant: of each
// group exactly one page stays — the one the store's record of that key points at, else the
// oldest — and only the others are trashed (restorable from Notion's trash).
import type { PageObjectResponse } from '@notionhq/client';
import type { NotionClient } from '../../notion/index.ts';
import { readSyncKey } from '../push/sync-key.ts';
import type { Source, Store } from '../store-api.ts';

export interface DuplicateGroup {
  source: string;
  syncKey: string;
  /** The page kept. */
  keep: string;
  /** Pages trashed (or, in a dry run, to trash). */
  extras: string[];
}

type QueryBody = Parameters<NotionClient['dataSources']['query']>[0];

async function pagesWithKeys(
  notion: NotionClient,
  dataSourceId: string,
  keyProperty: string,
): Promise<PageObjectResponse[]> {
  const pages: PageObjectResponse[] = [];
  let cursor: string | undefined;
  do {
    const response = await notion.dataSources.query({
      data_source_id: dataSourceId,
      filter: { property: keyProperty, rich_text: { is_not_empty: true } },
      sorts: [{ timestamp: 'created_time', direction: 'ascending' }],
      page_size: 100,
      ...(cursor ? { start_cursor: cursor } : {}),
    } as QueryBody);
    pages.push(
      ...(response.results as PageObjectResponse[]).filter(
        (p) => p.object === 'page' && !p.in_trash,
      ),
    );
    cursor = response.has_more ? (response.next_cursor ?? undefined) : undefined;
  } while (cursor);
  return pages;
}

/** Groups of live pages sharing a sync key, with the page each group keeps. */
export async function findDuplicatePages(
  notion: NotionClient,
  store: Store,
  source: Source,
  keyProperty: string,
): Promise<DuplicateGroup[]> {
  if (!Object.values(source.schema.properties).some((p) => p.name === keyProperty)) return [];
  const byKey = new Map<string, PageObjectResponse[]>();
  for (const page of await pagesWithKeys(notion, source.notionId, keyProperty)) {
    const key = readSyncKey(page, keyProperty);
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), page]);
  }
  const groups: DuplicateGroup[] = [];
  for (const [syncKey, pages] of byKey) {
    if (pages.length < 2) continue;
    const record = (await store.records.findByKey(syncKey)).find((r) => r.sourceId === source.id);
    const keep = pages.find((p) => p.id === record?.pageId) ?? pages[0]!;
    groups.push({
      source: source.name,
      syncKey,
      keep: keep.id,
      extras: pages.filter((p) => p !== keep).map((p) => p.id),
    });
  }
  return groups;
}

/** Trashes the extra pages of each group and tombstones their records; returns pages trashed. */
export async function trashDuplicatePages(
  notion: NotionClient,
  store: Store,
  source: Source,
  groups: DuplicateGroup[],
): Promise<number> {
  let trashed = 0;
  for (const group of groups) {
    for (const pageId of group.extras) {
      await notion.pages.update({ page_id: pageId, in_trash: true });
      trashed += 1;
    }
    await store.records.tombstone({ sourceId: source.id, pageIds: group.extras, state: 'trashed' });
  }
  return trashed;
}
