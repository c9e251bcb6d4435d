// The state of one pull run and the steps every kind of source shares. Invariants: each batch
// of rows is committed in ONE transaction with the checkpoint it advances, then the run's
// heartbeat and progress are updated; reconcile writes tombstones only after a complete listing
// and moves `lastCompleteReconcileAt` only when it finished.
import type { PageObjectResponse } from '@notionhq/client';
import type { SourceConfig } from '../../config/index.ts';
import type { NotionClient } from '../../notion/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';
import type { PullOptions, SourcePullResult } from '../engine-types.ts';
import type { FilesSettings } from '../files/files-settings.ts';
import { attachBatchFiles, keepBatchFiles, type RunFiles } from '../files/pull-files.ts';
import { throwIfInterrupted } from '../interrupt.ts';
import { DEFAULT_SYNC_KEY_PROPERTY } from '../push/push-types.ts';
import type { RunLease, RunMeter } from '../runs.ts';
import type { SchemaChange, Source, Store } from '../store-api.ts';
import { type ReconcileInput, reconcileDeletions } from './reconcile.ts';
import type { ListingBatch } from './row-listing.ts';
import { prepareRows, type RowPipelineContext } from './row-pipeline.ts';

export interface PullEnvironment {
  store: Store;
  notion: NotionClient;
  clock: Clock;
  logger: Logger;
  overlapMs: number;
  reconcileIntervalMs: number;
  staleRunAfterMs: number;
  heartbeatMs: number;
  concurrency: number;
  /** The store id of the OAuth installation the source reads through (kept when omitted). */
  connectionId?: number | null;
  files: FilesSettings;
}

export interface RunState {
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
  /** Files kept in this run (null until the source is known, or when files are off). */
  files: RunFiles | null;
}

export function report(state: RunState, phase: 'resolve' | 'rows' | 'reconcile' | 'done'): void {
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
export async function settledBefore(state: RunState, sourceId: number): Promise<number> {
  // The last run that finished ok read every row edited since its cursor; a failed run may
  // have stopped before reading a row, so it proves nothing.
  const runs = await state.env.store.runs.list({ sourceId, limit: 20 });
  // Only pulls read rows: a push run proves nothing about what Notion changed.
  const previous = runs.find(
    (r) => r.id !== state.lease?.run.id && r.status === 'ok' && r.kind === 'pull',
  );
  // One extra minute of margin for clock skew between Notion and this machine.
  return previous ? Date.parse(previous.startedAt) - 60_000 : 0;
}

export async function commitBatch(
  state: RunState,
  ctx: RowPipelineContext,
  batch: ListingBatch,
  runId: number,
) {
  const prepared = await prepareRows(batch.pages, ctx);
  const files = state.files;
  const committed = await state.env.store.records.commitPullBatch({
    sourceId: ctx.sourceId,
    rows: files ? attachBatchFiles(files, prepared.rows, batch.pages) : prepared.rows,
    checkpoint: batch.checkpoint,
    runId,
    provenance: { runId, trigger: state.trigger, requestId: batch.requestId ?? null },
  });
  const counts = state.meter.counts;
  counts.fetched += prepared.firstSeen;
  counts.created += committed.created;
  counts.updated += committed.updated;
  counts.unchanged += committed.unchanged + prepared.skipped;
  counts.restored += committed.restored;
  if (files) await keepBatchFiles(files, committed);
  await state.lease?.heartbeat(state.meter);
  report(state, 'rows');
  throwIfInterrupted(state.options.signal, `The pull of "${state.config.name}"`);
}

export function rowContext(
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
    ...((state.config.direction ?? 'pull') !== 'pull'
      ? { syncKeyProperty: state.config.syncKeyProperty ?? DEFAULT_SYNC_KEY_PROPERTY }
      : {}),
    ...extra,
  };
}

export async function applyReconcile(
  state: RunState,
  source: Source,
  listed: ReconcileInput['listedIds'],
  check: () => Promise<void>,
  belongs: (p: PageObjectResponse) => boolean,
) {
  throwIfInterrupted(state.options.signal, `The pull of "${state.config.name}"`);
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
