// `sync` of the sources that have a target: for each, in dependency order, scan → pull → push →
// export (→ push again when the export chose keys for rows created in Notion). Each step is
// crash-safe on its own (target-sync.ts, pull, push), so a sync stopped anywhere is resumed by
// the next one. A source whose pull failed is neither pushed nor exported (its base is stale).
import { bookkeepingOf, isFolderTarget, type SourceConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { PullResult } from '../engine-types.ts';
import { refreshSource } from '../push/push.ts';
import { ensureBookkeepingProperties } from '../push/push-bookkeeping.ts';
import type { PushEnvironment } from '../push/push-context.ts';
import type { PushResult, SyncResult } from '../push/push-types.ts';
import { ensureSyncKeyProperty } from '../push/sync-key.ts';
import type { Source } from '../store-api.ts';
import {
  checkTargetConfigs,
  exportStep,
  keyPropertyOf,
  openTarget,
  orderByDependencies,
  scanStep,
  type TargetDeps,
  type TargetSyncResult,
} from './target-sync.ts';
import { staleParents } from './tree-refresh.ts';

export interface TargetSteps {
  pull(names: string[]): Promise<PullResult>;
  push(names: string[]): Promise<PushResult>;
  loadSource(config: SourceConfig): Promise<Source>;
  /** Makes sure the sync key property exists (rows and pages know each other by it). */
  prepare(config: SourceConfig): Promise<Source>;
  /** Re-reads some pages of a source (a page tree's parents, tree-refresh.ts). */
  refresh(name: string, pageIds: string[]): Promise<void>;
}

/** Adds the sync key property to the data source when missing; returns the fresh snapshot. */
export async function prepareKeyProperty(
  env: Pick<PushEnvironment, 'store' | 'notion' | 'logger'>,
  config: SourceConfig,
): Promise<Source> {
  const source =
    (await env.store.sources.getByName(config.name)) ?? (await refreshSource(env, config));
  // A page tree has no properties to add: its creates are found by title (tree-create-lookup.ts).
  if (source.kind === 'page') return source;
  const name = keyPropertyOf(config);
  const bookkeeping = Object.values(bookkeepingOf(config.target) ?? {}).filter(
    (b): b is string => typeof b === 'string',
  );
  const known = new Set(Object.values(source.schema.properties).map((p) => p.name));
  if (known.has(name) && bookkeeping.every((b) => known.has(b))) return source;
  await ensureSyncKeyProperty(env.notion, source.notionId, name);
  await ensureBookkeepingProperties(env.notion, source.notionId, config);
  return refreshSource(env, config);
}

function emptyTargetResult(config: SourceConfig): TargetSyncResult {
  const kind = isFolderTarget(config.target) ? 'markdown-folder' : 'sql-table';
  return { source: config.name, kind, scan: null, export: null, errors: [] };
}

function emptyPull(): PullResult {
  return { ok: true, sources: [] };
}

function emptyPush(): PushResult {
  return { ok: true, sources: [], openConflicts: 0 };
}

async function syncOne(
  deps: TargetDeps,
  steps: TargetSteps,
  config: SourceConfig,
  out: SyncResult,
  result: TargetSyncResult,
): Promise<void> {
  const target = await openTarget(deps, config);
  try {
    let source = await steps.prepare(config);
    // Never pulled: read Notion first, so rows find the pages that already carry their key
    // (a scan against an empty store would create each of them again). A page tree keeps no
    // cursor: its complete walk is its mark.
    const checkpoint = await deps.store.checkpoints.read(source.id);
    if (!checkpoint?.cursor && !checkpoint?.lastCompleteReconcileAt) {
      const first = await steps.pull([config.name]);
      out.pull.sources.push(...first.sources);
      if (!first.ok) return;
    }
    result.scan = await scanStep(deps, target, config, source);
    const pulled = await steps.pull([config.name]);
    out.pull.sources.push(...pulled.sources);
    if (!pulled.ok) return;
    const pushed = await steps.push([config.name]);
    out.push.sources.push(...pushed.sources);
    if (source.kind === 'page') {
      const stale = await staleParents(deps.store, source);
      if (stale.length > 0) await steps.refresh(config.name, stale);
    }
    source = await steps.loadSource(config);
    const exported = await exportStep(deps, target, config, source);
    result.export = exported;
    if (exported.queued > 0) out.push.sources.push(...(await steps.push([config.name])).sources);
  } finally {
    await target.close();
  }
}

/** Scan → pull → push → export for each source with a target, referenced sources first. */
export async function syncTargets(
  deps: TargetDeps,
  configs: SourceConfig[],
  steps: TargetSteps,
): Promise<SyncResult> {
  // Every problem of every target before anything is written on either side.
  const problems = await checkTargetConfigs(deps, configs, steps.prepare);
  if (problems.length > 0) {
    throw new NotionSyncError(
      'config_invalid',
      `${problems.length} problem${problems.length === 1 ? '' : 's'} with the targets; nothing was synced:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
      { details: { problems } },
    );
  }
  const out: SyncResult = {
    ok: true,
    pull: emptyPull(),
    push: emptyPush(),
    openConflicts: 0,
    targets: [],
  };
  for (const config of await orderByDependencies(deps, configs, steps.prepare)) {
    const result = emptyTargetResult(config);
    out.targets!.push(result);
    try {
      await syncOne(deps, steps, config, out, result);
    } catch (error) {
      if (!(error instanceof NotionSyncError)) throw error;
      result.errors.push({ code: error.code, message: error.message });
    }
    const source = await deps.store.sources.getByName(config.name);
    if (source)
      out.openConflicts += (await deps.store.conflicts.list({ sourceId: source.id })).length;
  }
  out.pull.ok = out.pull.sources.every((s) => s.status === 'ok');
  out.push.ok = out.push.sources.every((s) => s.status === 'ok');
  out.push.openConflicts = out.openConflicts;
  const targetsOk = out.targets!.every(
    (t) => t.errors.length === 0 && (t.export?.failed.length ?? 0) === 0,
  );
  out.ok = out.pull.ok && out.push.ok && targetsOk;
  return out;
}

/**
 * After a pull: each pulled source with a folder target gets its files written (DESIGN.md §5:
 * pull writes the Markdown exactly as the next scan reads it). Property edits a scan would find
 * are not taken here — that is `sync`'s scan step; export never writes over a file edited since.
 */
export async function exportFolderTargets(
  deps: TargetDeps,
  pulled: PullResult,
  loadSource: (config: SourceConfig) => Promise<Source>,
): Promise<TargetSyncResult[]> {
  const results: TargetSyncResult[] = [];
  for (const outcome of pulled.sources) {
    const config = deps.sources.find((s) => s.name === outcome.source);
    if (outcome.status !== 'ok' || !config || !isFolderTarget(config.target)) continue;
    const result = emptyTargetResult(config);
    results.push(result);
    const target = await openTarget(deps, config);
    try {
      result.export = await exportStep(deps, target, config, await loadSource(config));
    } catch (error) {
      if (!(error instanceof NotionSyncError)) throw error;
      result.errors.push({ code: error.code, message: error.message });
    } finally {
      await target.close();
    }
  }
  return results;
}

/** One result of a sync that ran target sources and plain ones. */
export function mergeSyncResults(a: SyncResult, b: SyncResult): SyncResult {
  return {
    ok: a.ok && b.ok,
    pull: { ok: a.pull.ok && b.pull.ok, sources: [...a.pull.sources, ...b.pull.sources] },
    push: {
      ok: a.push.ok && b.push.ok,
      sources: [...a.push.sources, ...b.push.sources],
      openConflicts: a.push.openConflicts + b.push.openConflicts,
    },
    openConflicts: a.openConflicts + b.openConflicts,
    targets: [...(a.targets ?? []), ...(b.targets ?? [])],
  };
}
