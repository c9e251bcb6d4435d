// Relations between targeted tables: a foreign-key column holds the referenced row's key, Notion's
// relation holds the referenced page's id. Both maps come from the referenced source's bookkeeping
// in the store (item key ↔ record ↔ page id), read once per scan or export.
import type { Store } from '../../store/index.ts';

export interface RelationKeys {
  keyOfPage(table: string, pageId: string): string | null;
  pageOfKey(table: string, key: string): string | null;
}

/** A source kept in a table, as other sources' foreign keys see it. */
export interface PeerTable {
  sourceName: string;
  /** Qualified as the catalog names it: `schema.table` (PostgreSQL), `table` (SQLite). */
  table: string;
}

export async function loadRelationKeys(
  store: Store,
  peers: PeerTable[],
  tables: Set<string>,
): Promise<RelationKeys> {
  const byTable = new Map<
    string,
    { keyToPage: Map<string, string>; pageToKey: Map<string, string> }
  >();
  for (const peer of peers.filter((p) => tables.has(p.table))) {
    const source = await store.sources.getByName(peer.sourceName);
    const maps = { keyToPage: new Map<string, string>(), pageToKey: new Map<string, string>() };
    byTable.set(peer.table, maps);
    if (!source) continue;
    const pages = new Map(
      (await store.targets.listRecords(source.id))
        .filter((v) => v.record.pageId !== null && v.record.tombstone === null)
        .map((v) => [v.record.id, v.record.pageId!]),
    );
    for (const item of await store.targets.list(source.id)) {
      const pageId = pages.get(item.recordId);
      if (!pageId || item.itemKey === null || item.state === 'intent') continue;
      maps.keyToPage.set(item.itemKey, pageId);
      maps.pageToKey.set(pageId, item.itemKey);
    }
  }
  return {
    keyOfPage: (table, pageId) => byTable.get(table)?.pageToKey.get(pageId) ?? null,
    pageOfKey: (table, key) => byTable.get(table)?.keyToPage.get(key) ?? null,
  };
}
