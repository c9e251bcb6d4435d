// Pull of a data source: list the rows that may have changed (row-listing.ts), commit them batch
// by batch with the checkpoint, then reconcile deletions when a complete listing exists — the
// full enumeration itself, or a listing made because reconcile is due (every run while the
// source holds at most `reconcileEveryRunMaxRows` rows, else every `reconcile` interval).
import type { PageObjectResponse } from '@notionhq/client';
import { parseDuration } from '../shared/index.ts';
import {
  applyReconcile,
  commitBatch,
  type RunState,
  rowContext,
  settledBefore,
} from './pull-run.ts';
import type { ResolvedSource } from './resolve-source.ts';
import { iterateSourceBatches, listingModeOf } from './row-listing.ts';
import type { Source } from './store-api.ts';

function reconcileDue(state: RunState, live: number, lastAt: string | null): boolean {
  if (live <= state.env.reconcileEveryRunMaxRows) return true;
  const interval = state.config.reconcile
    ? (parseDuration(state.config.reconcile) ?? state.env.reconcileIntervalMs)
    : state.env.reconcileIntervalMs;
  return lastAt === null || state.env.clock.now() - Date.parse(lastAt) >= interval;
}

export async function pullDataSource(
  state: RunState,
  source: Source,
  resolved: Extract<ResolvedSource, { kind: 'data_source' }>,
) {
  const { store, notion } = state.env;
  const runId = state.lease!.run.id;
  const checkpoint = await store.checkpoints.read(source.id);
  state.mode = listingModeOf(checkpoint, state.options.full === true);
  const ctx = rowContext(
    state,
    source,
    { notionSchema: resolved.properties },
    await settledBefore(state, source.id),
  );
  const listed = new Set<string>();
  let complete = false;
  const batches = iterateSourceBatches(notion, source.notionId, checkpoint, {
    full: state.options.full === true,
    overlapMs: state.env.overlapMs,
    nowMs: state.startedMs,
    gaps: state.meter.gaps,
  });
  for await (const batch of batches) {
    for (const page of batch.pages) listed.add(page.id);
    await commitBatch(state, ctx, batch, runId);
    if (batch.completeListing) complete = true;
  }
  const belongs = (page: PageObjectResponse) => {
    const parent = page.parent as { data_source_id?: string };
    return parent.data_source_id === undefined || parent.data_source_id === source.notionId;
  };
  const check = async () =>
    void (await notion.dataSources.retrieve({ data_source_id: source.notionId }));
  if (!complete) {
    const counts = await store.records.count(source.id);
    if (!reconcileDue(state, counts.live, checkpoint?.lastCompleteReconcileAt ?? null)) return;
    listed.clear();
    for await (const page of notion.iterateAllDataSourceRowPages(source.notionId)) {
      for (const row of page.results) listed.add(row.id);
      await commitBatch(
        state,
        ctx,
        {
          pages: page.results,
          checkpoint: {},
          ...(page.requestId ? { requestId: page.requestId } : {}),
        },
        runId,
      );
    }
  }
  await applyReconcile(state, source, listed, check, belongs);
}
