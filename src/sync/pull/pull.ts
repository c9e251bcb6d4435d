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
import type { SourceConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { PullOptions, SourcePullResult } from '../engine-types.ts';
import { finishRunFiles, type RunFiles, startRunFiles } from '../files/pull-files.ts';
import { withInitHint } from '../init/init-hint.ts';
import { isInterrupted, throwIfInterrupted } from '../interrupt.ts';
import { isAccessError, type ResolvedSource, resolveSource } from '../resolve-source.ts';
import { createRunMeter, startRun, withRunMeter } from '../runs.ts';
import { buildSourceSchema, PAGE_TREE_SCHEMA } from '../source-schema.ts';
import type { Source } from '../store-api.ts';
import { type DataSourceSchemaRead, pullDataSource, storedSchemaFits } from './pull-data-source.ts';
import { pullPageTree } from './pull-page-tree.ts';
import { type PullEnvironment, type RunState, report } from './pull-run.ts';

export type { PullEnvironment } from './pull-run.ts';

function errorEntry(error: unknown, at: string) {
  const code = error instanceof NotionSyncError ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  return { code, message, at };
}

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
    ...(state.env.connectionId !== undefined ? { connectionId: state.env.connectionId } : {}),
  });
  state.schemaChanges = upserted.schemaChanges;
  let source = upserted.source;
  if (source.accessState !== 'ok') source = await store.sources.setAccess(source.id, 'ok', null);
  return source;
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
  throwIfInterrupted(state.options.signal, `The pull of "${state.config.name}"`);
  const existing = await store.sources.getByName(state.config.name);
  const lease = (id: number) =>
    startRun(store, {
      sourceId: id,
      sourceName: state.config.name,
      trigger: state.trigger,
      staleAfterMs: state.env.staleRunAfterMs,
      heartbeatMs: state.env.heartbeatMs,
    });
  if (!existing && !state.config.page) state.mode = 'full';
  if (existing) {
    state.lease = await lease(existing.id);
    state.options.onRun?.(state.lease.run.id);
    state.knownRows = (await store.records.count(existing.id)).live;
  }
  report(state, 'resolve');
  const resolveNow = async (): Promise<DataSourceSchemaRead> => {
    const resolved = await resolveSource(notion, state.config);
    if (resolved.kind !== 'data_source')
      throw new NotionSyncError('internal', `Source "${state.config.name}" is no data source.`);
    state.source = await storeSource(state, resolved);
    return { source: state.source, resolved };
  };
  if (existing && storedSchemaFits(state.config, existing)) {
    // The schema is read when rows show up (or the run lists everything): an idle pull makes
    // no call but its two queries.
    state.source = existing;
    state.files = startPullFiles(state, existing);
    await pullDataSource(state, { source: existing, resolved: null }, resolveNow);
    await finishPullFiles(state, existing);
    return;
  }
  const resolved = await resolveSource(notion, state.config);
  const source = await storeSource(state, resolved);
  if (!state.lease) {
    state.lease = await lease(source.id);
    state.options.onRun?.(state.lease.run.id);
  }
  state.source = source;
  state.files = startPullFiles(state, source);
  if (resolved.kind === 'data_source')
    await pullDataSource(state, { source, resolved }, resolveNow);
  else await pullPageTree(state, source, resolved);
  await finishPullFiles(state, source);
}

async function finishPullFiles(state: RunState, source: Source): Promise<void> {
  if (state.files) state.meter.gaps.missingFiles = await finishRunFiles(state.files, source.id);
}

/** The run's file keeping for `source` (null when `files.keep` is off). */
export function startPullFiles(state: RunState, source: Source): RunFiles | null {
  const { store, notion, clock, logger } = state.env;
  // Files off: no references either, so turning them on later keeps every file then.
  if (!state.env.files.keep) return null;
  return startRunFiles({
    store,
    notion,
    clock,
    logger,
    settings: state.env.files,
    budget: { usedBytes: null },
    schema: source.schema,
  });
}

function runStatusOf(status: SourcePullResult['status']) {
  return status === 'ok' || status === 'interrupted' ? status : 'failed';
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
    mode: config.page ? 'page_tree' : 'incremental',
    reconciled: false,
    files: null,
  };
  let status: SourcePullResult['status'] = 'ok';
  await withRunMeter(state.meter, async () => {
    try {
      await runPull(state);
    } catch (error) {
      const at = new Date(env.clock.now()).toISOString();
      if (isInterrupted(error)) {
        status = 'interrupted';
        state.meter.errors.push(errorEntry(error, at));
      } else if (isAccessError(error) && (await markAccessLost(state, error))) {
        status = 'access_lost';
        const entry = errorEntry(error, at);
        state.meter.errors.push({
          ...entry,
          message: withInitHint(config, entry.message),
          code: 'access_lost',
        });
      } else {
        status = 'failed';
        state.meter.errors.push(errorEntry(error, at));
      }
      env.logger.debug({ source: config.name, err: error }, 'pull failed');
    }
  });
  if (state.lease) await state.lease.finish(runStatusOf(status), state.meter);
  report(state, 'done');
  return {
    source: config.name,
    status,
    runId: state.lease?.run.id ?? null,
    mode: state.mode,
    counts: state.meter.counts,
    gaps: state.meter.gaps,
    files: state.files?.counts ?? { downloaded: 0, bytes: 0 },
    apiCalls: state.meter.apiCalls,
    rateLimitWaits: state.meter.rateLimitWaits,
    reconciled: state.reconciled,
    schemaChanges: state.schemaChanges,
    errors: state.meter.errors,
    durationMs: env.clock.now() - state.startedMs,
  };
}
