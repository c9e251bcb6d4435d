// Pull of a data source: list the rows that may have changed (row-listing.ts) and commit them
// batch by batch with the checkpoint. Deletions: every incremental run reads the source's trash
// (one query, trash.ts); a complete listing — the first enumeration, `--full`, or a fresh
// enumeration made instead of the incremental query once the `reconcile` interval is due —
// reconciles rows gone for good (deleted, unshared: reconcile.ts). Each row is listed, and
// counted as fetched, once per run.
// The schema snapshot is always stored before the first row is committed; an incremental run
// that lists no changed row (an idle pull) does not read it: 2 calls, the query and the trash.
import type { PageObjectResponse } from '@notionhq/client';
import type { SourceConfig } from '../../config/index.ts';
import { PageIdSet, parseDuration, readAhead } from '../../shared/index.ts';
import type { ResolvedSource } from '../resolve-source.ts';
import { sourceNotionId } from '../resolve-source.ts';
import { buildSourceSchema } from '../source-schema.ts';
import type { Source } from '../store-api.ts';
import {
  applyReconcile,
  commitBatch,
  type RunState,
  rowContext,
  settledBefore,
} from './pull-run.ts';
import { iterateSourceBatches, listingModeOf } from './row-listing.ts';
import type { RowPipelineContext } from './row-pipeline.ts';
import { reconcileTrash } from './trash.ts';

type ResolvedDataSource = Extract<ResolvedSource, { kind: 'data_source' }>;

/** The stored source and, once read in this run, Notion's schema of it. */
export interface DataSourceSchemaRead {
  source: Source;
  resolved: ResolvedDataSource | null;
}

function reconcileDue(state: RunState, lastAt: string | null): boolean {
  const interval = state.config.reconcile
    ? (parseDuration(state.config.reconcile) ?? state.env.reconcileIntervalMs)
    : state.env.reconcileIntervalMs;
  return lastAt === null || state.env.clock.now() - Date.parse(lastAt) >= interval;
}

/**
 * True when the stored source still matches its configuration (same Notion object, direction
 * and property selection), so its schema needs reading only if rows changed.
 */
export function storedSchemaFits(config: SourceConfig, source: Source): boolean {
  if (source.kind !== 'data_source' || config.page || source.accessState !== 'ok') return false;
  const configured = sourceNotionId(config);
  if (configured !== (config.dataSource ? source.notionId : source.databaseId)) return false;
  if ((config.direction ?? 'pull') !== source.direction) return false;
  const known = Object.fromEntries(
    Object.values(source.schema.properties).map((p) => [p.name, { id: p.id, type: p.type }]),
  );
  const selected = buildSourceSchema(known as never, config.properties);
  if (selected.unknownNames.length > 0) return false;
  const ids = Object.keys(selected.schema.properties);
  return (
    ids.length === Object.keys(source.schema.properties).length &&
    ids.every(
      (id) => selected.schema.properties[id]?.column === source.schema.properties[id]?.column,
    )
  );
}

export async function pullDataSource(
  state: RunState,
  read: DataSourceSchemaRead,
  resolveNow: () => Promise<DataSourceSchemaRead>,
) {
  const { store, notion } = state.env;
  const runId = state.lease!.run.id;
  const checkpoint = await store.checkpoints.read(read.source.id);
  const full = state.options.full === true;
  const enumerate = !full && reconcileDue(state, checkpoint?.lastCompleteReconcileAt ?? null);
  state.mode = listingModeOf(checkpoint, full || enumerate);
  if (state.mode === 'full' || checkpoint?.queryState) read = await schemaOf(read, resolveNow);
  const settled = await settledBefore(state, read.source.id);
  let ctx: RowPipelineContext | null = null;
  // Rows are committed under a freshly read schema; a batch without rows only moves the cursor.
  const context = async (rows = true) => {
    if (ctx) return ctx;
    if (!rows && !read.resolved) return rowContext(state, read.source, {}, settled);
    read = await schemaOf(read, resolveNow);
    ctx = rowContext(state, read.source, { notionSchema: read.resolved!.properties }, settled);
    return ctx;
  };
  // Every listed id, for the reconcile of a complete listing: 16 bytes each, not a string.
  const listed = new PageIdSet();
  let complete = false;
  const batches = iterateSourceBatches(notion, read.source.notionId, checkpoint, {
    full,
    enumerate,
    overlapMs: state.env.overlapMs,
    nowMs: state.startedMs,
    gaps: state.meter.gaps,
  });
  // The next page is fetched while this one is committed (the commit's fsync and Notion's
  // answer overlap); commits stay in order, each with its own checkpoint. (Joining pages into
  // bigger transactions was faster but grew V8's young generation: peak RSS +40 % at 50k rows.)
  for await (const batch of readAhead(batches)) {
    for (const page of batch.pages) listed.add(page.id);
    await commitBatch(state, await context(batch.pages.length > 0), batch, runId);
    if (batch.completeListing) complete = true;
  }
  const notionId = read.source.notionId;
  const belongs = (page: PageObjectResponse) => {
    const parent = page.parent as { data_source_id?: string };
    return parent.data_source_id === undefined || parent.data_source_id === notionId;
  };
  if (!complete) {
    await reconcileTrash(state, context, read.source, belongs);
    return;
  }
  const check = async () => void (await notion.dataSources.retrieve({ data_source_id: notionId }));
  await applyReconcile(state, read.source, listed, check, belongs);
}

async function schemaOf(
  read: DataSourceSchemaRead,
  resolveNow: () => Promise<DataSourceSchemaRead>,
): Promise<DataSourceSchemaRead> {
  return read.resolved ? read : resolveNow();
}
