// Zero duplicate databases: a database create whose answer was lost (timeout, reset, 5xx — it may
// have been applied) is looked up under its parent page before anything else happens. The one
// init would have made is a child database titled with the source name that no source has
// recorded; when found it is adopted instead of being created a second time.
import type { NotionClient } from '../../notion/index.ts';
import type { Store } from '../store-api.ts';

type ChildBlock = { id: string; type: string; child_database?: { title?: string } };

/** The id of an unrecorded child database titled `title` under `parentId`, newest first; or null. */
export async function findCreatedDatabase(
  notion: NotionClient,
  store: Store,
  parentId: string,
  title: string,
): Promise<string | null> {
  const recorded = new Set((await store.declared.list()).map((d) => d.databaseId));
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await notion.blocks.children.list({
      block_id: parentId,
      page_size: 100,
      ...(cursor ? { start_cursor: cursor } : {}),
    });
    for (const block of page.results as ChildBlock[]) {
      if (block.type !== 'child_database' || block.child_database?.title !== title) continue;
      if (!recorded.has(block.id)) found.push(block.id);
    }
    cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
  } while (cursor);
  return found.at(-1) ?? null;
}
