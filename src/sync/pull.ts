// One pull of one source (DESIGN.md §5). Invariants, in order:
// - the run is the lease: it is started before anything is written, so two pulls of one
//   source never overlap (source_busy), and it records trigger, counts, calls and errors;
// - the schema snapshot is stored before rows (rename/add/remove/type change are recorded as
//   schema changes, nothing is rewritten);
// - every listed batch is committed in ONE transaction with the checkpoint it advances
//   (row-listing.ts), so a crash at any point loses nothing and the next run resumes;
// - the overlap and re-listed rows never duplicate a version (hash skip in the store);
// - deletions come only from a complete listing, confirmed one by one (reconcile.ts);
// - a source that cannot be read as a whole (unshared, token revoked) is marked `access_lost`
//   and none of its rows is tombstoned.
import type { PageObjectResponse } from '@notionhq/client';
import type { SourceConfig } from '../config/index.ts';
import { NotionSyncError } from '../errors.ts';
import type { NotionClient } from '../notion/index.ts';
import { type Clock, type Logger, parseDuration } from '../shared/index.ts';
import type { PullOptions, SourcePullResult } from './engine-types.ts';
import { iteratePageTree } from './page-tree.ts';
import { reconcileDeletions } from './reconcile.ts';
import { isAccessError, type ResolvedSource, resolveSource } from './resolve-source.ts';
import type { ListingBatch } from './row-listing.ts';
import { iterateSourceBatches, listingModeOf } from './row-listing.ts';
import { prepareRows, type RowPipelineContext } from './row-pipeline.ts';
import { createRunMeter, type RunLease, type RunMeter, startRun, withRunMeter } from './runs.ts';
import { buildSourceSchema, PAGE_TREE_SCHEMA } from './source-schema.ts';
import type { SchemaChange, Source, Store } from './store-api.ts';

export interface PullEnvironment {
  store: Store;
  notion: NotionClient;
  clock: Clock;
  logger: Logger;
  overlapMs: number;
  reconcileEveryRunMaxRows: number;
  reconcileIntervalMs: number;
  staleRunAfterMs: number;
  heartbeatMs: number;
  concurrency: number;
}

interface RunState {
  env: PullEnvironment;
  config: SourceConfig;
  options: PullOptions;
  trigger: string;
  meter: RunMeter;
  startedMs: number;
  knownRows: number;
  lease: RunLease | null;
  source: Source | null;
  schemaChanges: SchemaChange[];
  mode: SourcePullResult['mode'];
  reconciled: boolean;
}

function errorEntry(error: unknown, at: string) {
  const code = error instanceof NotionSyncError ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  return { code, message, at };
}

function report(state: RunState, phase: 'resolve' | 'rows' | 'reconcile' | 'done'): void {
  state.options.onProgress?.({
    source: state.config.name,
    phase,
    counts: { ...state.meter.counts },
    apiCalls: state.meter.calls,
    knownRows: state.knownRows,
    elapsedMs: state.env.clock.now() - state.startedMs,
  });
}

/** Stores the snapshot; the source row is created on the first pull. */
async function storeSource(state: RunState, resolved: ResolvedSource): Promise<Source> {
  const { store, logger } = state.env;
  let schema = PAGE_TREE_SCHEMA;
  if (resolved.kind === 'data_source') {
    const selection = buildSourceSchema(resolved.properties, state.config.properties);
    for (const name of selection.unknownNames) {
      logger.warn(
        { source: state.config.name, property: name },
        'configured property not found in the data source',
      );
    }
    schema = selection.schema;
  }
  const upserted = await store.sources.upsert({
    name: state.config.name,
    kind: resolved.kind,
    notionId: resolved.notionId,
    databaseId: resolved.kind === 'data_source' ? resolved.databaseId : null,
    direction: state.config.direction ?? 'pull',
    schema,
    runId: state.lease?.run.id ?? null,
  });
  state.schemaChanges = upserted.schemaChanges;
  let source = upserted.source;
  if (source.accessState !== 'ok') source = await store.sources.setAccess(source.id, 'ok', null);
  return source;
}

async function settledBefore(state: RunState, sourceId: number): Promise<number> {
  // The last run that finished ok read every row edited since its cursor; a failed run may
  // have stopped before reading a row, so it proves nothing.
  const runs = await state.env.store.runs.list({ sourceId, limit: 20 });
  const previous = runs.find((r) => r.id !== state.lease?.run.id && r.status === 'ok');
  // One extra minute of margin for clock skew between Notion and this machine.
  return previous ? Date.parse(previous.startedAt) - 60_000 : 0;
}

async function commitBatch(
  state: RunState,
  ctx: RowPipelineContext,
  batch: ListingBatch,
  runId: number,
) {
  const prepared = await prepareRows(batch.pages, ctx);
  const committed = await state.env.store.records.commitPullBatch({
    sourceId: ctx.sourceId,
    rows: prepared.rows,
    checkpoint: batch.checkpoint,
    runId,
    provenance: { runId, trigger: state.trigger, requestId: batch.requestId ?? null },
  });
  const counts = state.meter.counts;
  counts.fetched += batch.pages.length;
  counts.created += committed.created;
  counts.updated += committed.updated;
  counts.unchanged += committed.unchanged + prepared.skipped;
  counts.restored += committed.restored;
  await state.lease?.heartbeat(state.meter);
  report(state, 'rows');
}

function rowContext(
  state: RunState,
  source: Source,
  extra: Partial<RowPipelineContext>,
  settled: number,
): RowPipelineContext {
  const content =
    (state.config.content ?? (source.kind === 'page' ? 'markdown' : 'none')) === 'markdown';
  return {
    notion: state.env.notion,
    store: state.env.store,
    sourceId: source.id,
    schema: source.schema,
    content,
    rereadAll: state.options.full === true,
    settledBeforeMs: settled,
    gaps: state.meter.gaps,
    concurrency: state.env.concurrency,
    readThisRun: new Map(),
    ...extra,
  };
}

function reconcileDue(state: RunState, live: number, lastAt: string | null): boolean {
  if (live <= state.env.reconcileEveryRunMaxRows) return true;
  const interval = state.config.reconcile
    ? (parseDuration(state.config.reconcile) ?? state.env.reconcileIntervalMs)
    : state.env.reconcileIntervalMs;
  return lastAt === null || state.env.clock.now() - Date.parse(lastAt) >= interval;
}

async function applyReconcile(
  state: RunState,
  source: Source,
  listed: Set<string>,
  check: () => Promise<void>,
  belongs: (p: PageObjectResponse) => boolean,
) {
  report(state, 'reconcile');
  const result = await reconcileDeletions({
    notion: state.env.notion,
    store: state.env.store,
    sourceId: source.id,
    listedIds: listed,
    belongs,
    checkSourceAccess: check,
    runId: state.lease!.run.id,
    concurrency: state.env.concurrency,
  });
  if (result.accessLost) throw result.accessError;
  state.meter.counts.deleted += result.trashed + result.missing;
  state.reconciled = true;
  await state.env.store.checkpoints.write(
    source.id,
    { lastCompleteReconcileAt: new Date(state.startedMs).toISOString() },
    state.lease!.run.id,
  );
}

async function pullRows(
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

async function pullPageTree(
  state: RunState,
  source: Source,
  resolved: Extract<ResolvedSource, { kind: 'page' }>,
) {
  const runId = state.lease!.run.id;
  state.mode = 'page_tree';
  const parents = new Map<string, string | null>();
  const ctx = rowContext(
    state,
    source,
    { parentOf: (page) => parents.get(page.id) ?? null },
    await settledBefore(state, source.id),
  );
  const listed = new Set<string>();
  for await (const batch of iteratePageTree(state.env.notion, resolved.page)) {
    for (const entry of batch) {
      parents.set(entry.page.id, entry.parentId);
      listed.add(entry.page.id);
    }
    await commitBatch(state, ctx, { pages: batch.map((e) => e.page), checkpoint: {} }, runId);
  }
  const check = async () =>
    void (await state.env.notion.pages.retrieve({ page_id: source.notionId }));
  await applyReconcile(state, source, listed, check, () => true);
}

async function markAccessLost(state: RunState, error: unknown): Promise<boolean> {
  const source = state.source ?? (await state.env.store.sources.getByName(state.config.name));
  if (!source) return false;
  const message = error instanceof Error ? error.message : String(error);
  await state.env.store.sources.setAccess(source.id, 'access_lost', message);
  return true;
}

async function runPull(state: RunState): Promise<void> {
  const { store, notion } = state.env;
  const existing = await store.sources.getByName(state.config.name);
  const lease = (id: number) =>
    startRun(store, {
      sourceId: id,
      sourceName: state.config.name,
      trigger: state.trigger,
      staleAfterMs: state.env.staleRunAfterMs,
      heartbeatMs: state.env.heartbeatMs,
    });
  if (existing) {
    state.lease = await lease(existing.id);
    state.knownRows = (await store.records.count(existing.id)).live;
  }
  report(state, 'resolve');
  const resolved = await resolveSource(notion, state.config);
  const source = await storeSource(state, resolved);
  state.lease ??= await lease(source.id);
  state.source = source;
  if (resolved.kind === 'data_source') await pullRows(state, source, resolved);
  else await pullPageTree(state, source, resolved);
}

/** Pulls one configured source; never throws for a failure of the source itself (see `status`). */
export async function pullSource(
  env: PullEnvironment,
  config: SourceConfig,
  options: PullOptions,
): Promise<SourcePullResult> {
  const state: RunState = {
    env,
    config,
    options,
    trigger: options.trigger ?? 'api',
    meter: createRunMeter(),
    startedMs: env.clock.now(),
    knownRows: 0,
    lease: null,
    source: null,
    schemaChanges: [],
    mode: 'incremental',
    reconciled: false,
  };
  let status: SourcePullResult['status'] = 'ok';
  await withRunMeter(state.meter, async () => {
    try {
      await runPull(state);
    } catch (error) {
      const at = new Date(env.clock.now()).toISOString();
      if (isAccessError(error) && (await markAccessLost(state, error))) {
        status = 'access_lost';
        state.meter.errors.push({ ...errorEntry(error, at), code: 'access_lost' });
      } else {
        status = 'failed';
        state.meter.errors.push(errorEntry(error, at));
      }
      env.logger.debug({ source: config.name, err: error }, 'pull failed');
    }
  });
  if (state.lease) await state.lease.finish(status === 'ok' ? 'ok' : 'failed', state.meter);
  report(state, 'done');
  return {
    source: config.name,
    status,
    runId: state.lease?.run.id ?? null,
    mode: state.mode,
    counts: state.meter.counts,
    gaps: state.meter.gaps,
    apiCalls: state.meter.apiCalls,
    rateLimitWaits: state.meter.rateLimitWaits,
    reconciled: state.reconciled,
    schemaChanges: state.schemaChanges,
    errors: state.meter.errors,
    durationMs: env.clock.now() - state.startedMs,
  };
}
