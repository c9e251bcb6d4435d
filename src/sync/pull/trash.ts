// Deletions seen on every incremental pull, at the cost of one query: the data source's trash.
// Invariants:
// - a row is tombstoned `trashed` only when the trash listing returns its page object with
//   `in_trash: true` and a parent in this source — first-hand evidence, the same answer the
//   confirming retrieve of reconcile.ts would give, so no retrieve is needed (DESIGN §5 Reconcile
//   asks for one only because a row's absence from a listing proves nothing on its own);
// - a stored `trashed` row missing from a COMPLETE trash listing is a restore candidate, confirmed
//   by a retrieve: live in this source → committed through the row pipeline (the tombstone is
//   cleared, its history continues); 404 or moved away → `missing` (trash emptied, unshared);
//   still in the trash → left alone (it raced the listing);
// - a capped trash listing (over 10,000 trashed rows) tombstones what it returned, restores
//   nothing and counts a capped query; the periodic complete-listing reconcile still runs;
// - nothing here relies on trashing bumping last_edited_time (undocumented).
import type { PageObjectResponse } from '@notionhq/client';
import { isNotionApiError } from '../../notion/index.ts';
import { mapLimit } from '../map-limit.ts';
import type { Source } from '../store-api.ts';
import { commitBatch, type RunState } from './pull-run.ts';
import type { RowPipelineContext } from './row-pipeline.ts';

export interface TrashResult {
  trashed: number;
  restored: number;
  missing: number;
}

const isTrashed = (page: PageObjectResponse) =>
  Boolean((page as { in_trash?: boolean; archived?: boolean }).in_trash ?? page.archived);

/** Lists the source's trash; ids of this source's trashed rows, and whether the list is whole. */
async function listTrash(
  state: RunState,
  source: Source,
  belongs: (page: PageObjectResponse) => boolean,
): Promise<{ ids: Set<string>; complete: boolean }> {
  const ids = new Set<string>();
  let complete = true;
  const pages = state.env.notion.iterateDataSourceQueryPages(source.notionId, { inTrash: true });
  for await (const page of pages) {
    // Notion's docs leave open whether `in_trash: true` lists only trashed rows: the flag on
    // each row decides.
    for (const row of page.results) if (isTrashed(row) && belongs(row)) ids.add(row.id);
    if (page.incomplete) complete = false;
  }
  return { ids, complete };
}

async function retrieveOrNull(state: RunState, pageId: string) {
  try {
    return (await state.env.notion.pages.retrieve({ page_id: pageId })) as PageObjectResponse;
  } catch (error) {
    if (isNotionApiError(error) && error.code === 'notion_not_found') return null;
    throw error;
  }
}

/** Confirms the stored `trashed` rows the trash no longer lists: restored, or gone for good. */
async function confirmRestores(
  state: RunState,
  context: () => Promise<RowPipelineContext>,
  source: Source,
  candidates: string[],
  belongs: (page: PageObjectResponse) => boolean,
): Promise<Pick<TrashResult, 'restored' | 'missing'>> {
  const pages = await mapLimit(candidates, state.env.concurrency, (id) =>
    retrieveOrNull(state, id),
  );
  const live = pages.filter((p): p is PageObjectResponse => p !== null && !isTrashed(p));
  const back = live.filter(belongs);
  const gone = candidates.filter((_, i) => {
    const page = pages[i];
    return page === null || (page !== undefined && !isTrashed(page) && !belongs(page));
  });
  const before = state.meter.counts.restored;
  if (back.length > 0) {
    const batch = { pages: back, checkpoint: {} };
    await commitBatch(state, await context(), batch, state.lease!.run.id);
  }
  const missing =
    gone.length === 0
      ? 0
      : await state.env.store.records.tombstone({
          sourceId: source.id,
          pageIds: gone,
          state: 'missing',
          from: 'trashed',
          runId: state.lease!.run.id,
        });
  return { restored: state.meter.counts.restored - before, missing };
}

/** Tombstones rows found in the trash and restores rows that left it (see the invariants). */
export async function reconcileTrash(
  state: RunState,
  context: () => Promise<RowPipelineContext>,
  source: Source,
  belongs: (page: PageObjectResponse) => boolean,
): Promise<TrashResult> {
  const { store } = state.env;
  const listing = await listTrash(state, source, belongs);
  const trashed =
    listing.ids.size === 0
      ? 0
      : await store.records.tombstone({
          sourceId: source.id,
          pageIds: [...listing.ids],
          state: 'trashed',
          runId: state.lease!.run.id,
        });
  state.meter.counts.deleted += trashed;
  if (!listing.complete) {
    state.meter.gaps.cappedQueries += 1;
    return { trashed, restored: 0, missing: 0 };
  }
  const stored = await store.records.listPageIds(source.id, { tombstone: 'trashed' });
  const candidates = stored.filter((id) => !listing.ids.has(id));
  if (candidates.length === 0) return { trashed, restored: 0, missing: 0 };
  const confirmed = await confirmRestores(state, context, source, candidates, belongs);
  return { trashed, ...confirmed };
}
