// Deletions. Invariants:
// - only a COMPLETE id listing of a source yields deletion candidates (stored live rows not
//   listed); an interrupted or failed listing throws before this runs, so it deletes nothing;
//   a hint (a page tree's search for trashed pages) may name candidates too, never more;
// - each candidate is confirmed by retrieving it: `in_trash` → tombstone `trashed`; 404 →
//   `missing`; moved to another data source → `missing`; still there → left alone (it raced
//   the listing);
// - before any `missing` tombstone is written the source itself is retrieved again: if the
//   whole source became unreachable (unshared, token revoked) nothing is tombstoned and the
//   caller marks the source `access_lost`;
// - a tombstone deletes nothing: records and versions stay, and a row that comes back is
//   restored by the next batch that lists it, its history continuing.
import type { PageObjectResponse } from '@notionhq/client';
import { isNotionApiError, type NotionClient } from '../../notion/index.ts';
import { mapLimit } from '../map-limit.ts';
import { isAccessError } from '../resolve-source.ts';
import type { Store } from '../store-api.ts';

export interface ReconcileInput {
  notion: NotionClient;
  store: Store;
  sourceId: number;
  /** Every page id the complete listing returned (a Set, or a PageIdSet for large sources). */
  listedIds: { has(id: string): boolean };
  /** False when a retrieved page no longer belongs to the source (moved elsewhere). */
  belongs: (page: PageObjectResponse) => boolean;
  /** Retrieves the source itself; throws when it is unreachable. */
  checkSourceAccess: () => Promise<void>;
  runId: number;
  concurrency: number;
}

export interface ReconcileResult {
  candidates: number;
  trashed: number;
  missing: number;
  /** The source became unreachable: nothing was tombstoned. */
  accessLost: boolean;
  accessError?: unknown;
}

type Verdict = 'trashed' | 'missing' | 'live';

async function confirm(
  notion: NotionClient,
  pageId: string,
  belongs: ReconcileInput['belongs'],
): Promise<Verdict> {
  try {
    const page = (await notion.pages.retrieve({ page_id: pageId })) as PageObjectResponse;
    const trashed =
      (page as { in_trash?: boolean; archived?: boolean }).in_trash ??
      (page as { archived?: boolean }).archived;
    if (trashed) return 'trashed';
    return belongs(page) ? 'live' : 'missing';
  } catch (error) {
    if (isNotionApiError(error) && error.code === 'notion_not_found') return 'missing';
    throw error;
  }
}

/** Confirms and tombstones the stored rows a complete listing did not return. */
export async function reconcileDeletions(input: ReconcileInput): Promise<ReconcileResult> {
  return confirmDeletions(input, await unlistedPageIds(input));
}

/** Stored ids read a page at a time: a 100,000-row source never holds all of them at once. */
const STORED_IDS_PAGE = 5_000;

/** Live stored rows the listing did not return, in page id order. */
async function unlistedPageIds(input: ReconcileInput): Promise<string[]> {
  const unlisted: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await input.store.records.listPageIds(input.sourceId, {
      ...(after !== undefined ? { after } : {}),
      limit: STORED_IDS_PAGE,
    });
    for (const id of page) if (!input.listedIds.has(id)) unlisted.push(id);
    if (page.length < STORED_IDS_PAGE) return unlisted;
    after = page.at(-1);
  }
}

/**
 * Confirms and tombstones deletion candidates found some other way (a page tree's search hint
 * of trashed pages); the same confirmation rules as {@link reconcileDeletions}.
 */
export async function confirmDeletions(
  input: Omit<ReconcileInput, 'listedIds'>,
  candidates: readonly string[],
): Promise<ReconcileResult> {
  const result: ReconcileResult = {
    candidates: candidates.length,
    trashed: 0,
    missing: 0,
    accessLost: false,
  };
  if (candidates.length === 0) return result;
  const verdicts = await mapLimit(candidates, input.concurrency, (id) =>
    confirm(input.notion, id, input.belongs),
  );
  const trashed = candidates.filter((_, i) => verdicts[i] === 'trashed');
  const missing = candidates.filter((_, i) => verdicts[i] === 'missing');
  if (missing.length > 0) {
    try {
      await input.checkSourceAccess();
    } catch (error) {
      if (!isAccessError(error)) throw error;
      return { ...result, accessLost: true, accessError: error };
    }
  }
  const write = (pageIds: string[], state: 'trashed' | 'missing') =>
    pageIds.length === 0
      ? Promise.resolve(0)
      : input.store.records.tombstone({
          sourceId: input.sourceId,
          pageIds,
          state,
          runId: input.runId,
        });
  result.trashed = await write(trashed, 'trashed');
  result.missing = await write(missing, 'missing');
  return result;
}
