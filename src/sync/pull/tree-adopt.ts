// A page tree's pull meets a page a create of ours made although its answer was lost (the
// push looks it up before creating again, but a pull may come first): the page is attached to
// the waiting local record — the store's sync-key adoption, with the key found by parent,
// creator, creation minute and title (tree-create-lookup.ts) — never a second record of it.
import type { PageObjectResponse } from '@notionhq/client';
import type { NotionClient } from '../../notion/index.ts';
import {
  botIdOf,
  createdPageOf,
  isOurCreate,
  listSuspectCreates,
} from '../push/tree-create-lookup.ts';
import type { Store } from '../store-api.ts';

/** The matcher for this run, or undefined when no create of the source is in doubt. */
export async function treeAdoption(
  notion: NotionClient,
  store: Store,
  sourceId: number,
  overlapMs: number,
): Promise<((page: PageObjectResponse, stored: unknown) => string | null) | undefined> {
  const creates = await listSuspectCreates(store, sourceId, overlapMs);
  if (creates.length === 0) return undefined;
  const botId = await botIdOf(notion);
  return (page, stored) => {
    if (stored) return null;
    const created = createdPageOf(page);
    const at = creates.findIndex((c) => isOurCreate(created, c, botId));
    if (at < 0) return null;
    const [create] = creates.splice(at, 1);
    return create!.localKey;
  };
}
