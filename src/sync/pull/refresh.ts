// A targeted refresh of some pages of one source (what a webhook event triggers). Invariants:
// - events are hints: every page is retrieved again, and what is stored comes from that read;
// - the refresh is a run of kind `refresh` holding the source's lease, so it never overlaps a
//   pull or push of the source, and its versions carry the run and its trigger (`webhook:<id>`);
// - unchanged pages write nothing (the store's hash skip), so a replayed or duplicated event
//   never creates a version;
// - a page is stored only when it belongs to the source now; a trashed page gets the `trashed`
//   tombstone, a 404 or a page moved out of the source the `missing` one — but only after the
//   source itself was read successfully, so losing access to the whole source tombstones nothing;
// - the checkpoint is never moved: scheduled pulls stay the source of truth.
import type { PageObjectResponse } from '@notionhq/client';
import type { SourceConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import { isNotionApiError, type NotionClient } from '../../notion/index.ts';
import type { RefreshOptions, RefreshResult } from '../engine-types.ts';
import { mapLimit } from '../map-limit.ts';
import { createRunMeter, startRun, withRunMeter } from '../runs.ts';
import type { Source } from '../store-api.ts';
import { startPullFiles } from './pull.ts';
import { commitBatch, type PullEnvironment, type RunState, rowContext } from './pull-run.ts';

type Verdict =
  | { kind: 'live'; page: PageObjectResponse }
  | { kind: 'trashed' | 'missing' | 'unknown' };

interface PageParent {
  type?: string;
  data_source_id?: string;
  database_id?: string;
  page_id?: string;
}

function belongsTo(source: Source, page: PageObjectResponse, treeIds: Set<string>): boolean {
  const parent = page.parent as PageParent;
  if (source.kind === 'data_source') return parent.data_source_id === source.notionId;
  if (page.id === source.notionId) return true;
  return parent.type === 'page_id' && parent.page_id !== undefined && treeIds.has(parent.page_id);
}

async function judge(
  notion: NotionClient,
  source: Source,
  pageId: string,
  known: Set<string>,
  treeIds: Set<string>,
): Promise<Verdict> {
  try {
    const page = (await notion.pages.retrieve({ page_id: pageId })) as PageObjectResponse;
    const flags = page as { in_trash?: boolean; archived?: boolean };
    if (flags.in_trash ?? flags.archived)
      return { kind: known.has(pageId) ? 'trashed' : 'unknown' };
    if (belongsTo(source, page, treeIds)) return { kind: 'live', page };
    return { kind: known.has(pageId) ? 'missing' : 'unknown' };
  } catch (error) {
    if (isNotionApiError(error) && error.code === 'notion_not_found')
      return { kind: known.has(pageId) ? 'missing' : 'unknown' };
    throw error;
  }
}

async function checkSourceAccess(notion: NotionClient, source: Source): Promise<void> {
  if (source.kind === 'data_source')
    await notion.dataSources.retrieve({ data_source_id: source.notionId });
  else await notion.pages.retrieve({ page_id: source.notionId });
}

function newState(env: PullEnvironment, config: SourceConfig, trigger: string): RunState {
  return {
    env,
    config,
    options: { trigger },
    trigger,
    meter: createRunMeter(),
    startedMs: env.clock.now(),
    knownRows: 0,
    lease: null,
    source: null,
    schemaChanges: [],
    mode: 'incremental',
    reconciled: false,
    files: null,
  };
}

async function applyVerdicts(
  state: RunState,
  source: Source,
  pageIds: string[],
  verdicts: Verdict[],
): Promise<void> {
  const { store, notion } = state.env;
  const runId = state.lease!.run.id;
  const parents = new Map<string, string | null>();
  const live = verdicts.flatMap((v) => (v.kind === 'live' ? [v.page] : []));
  for (const page of live) parents.set(page.id, (page.parent as PageParent).page_id ?? null);
  if (live.length > 0) {
    // rereadAll: a webhook says the page changed, so "settled" timestamps prove nothing here.
    const ctx = rowContext(
      { ...state, options: { ...state.options, full: true } },
      source,
      source.kind === 'page' ? { parentOf: (page) => parents.get(page.id) ?? null } : {},
      0,
    );
    // The files of refreshed pages are kept too (failures wait for the next scheduled pull).
    state.files ??= startPullFiles(state, source);
    await commitBatch(state, ctx, { pages: live, checkpoint: {} }, runId);
  }
  const pick = (kind: Verdict['kind']) => pageIds.filter((_, i) => verdicts[i]?.kind === kind);
  const trashed = pick('trashed');
  const missing = pick('missing');
  if (missing.length > 0) await checkSourceAccess(notion, source);
  for (const [ids, tombstone] of [
    [trashed, 'trashed'],
    [missing, 'missing'],
  ] as const) {
    if (ids.length === 0) continue;
    state.meter.counts.deleted += await store.records.tombstone({
      sourceId: source.id,
      pageIds: ids,
      state: tombstone,
      runId,
    });
  }
}

async function runRefresh(state: RunState, source: Source, pageIds: string[]): Promise<void> {
  const { store, notion } = state.env;
  const stored = new Set(await store.records.listPageIds(source.id, { includeTombstoned: true }));
  const live = new Set(await store.records.listPageIds(source.id));
  const treeIds = new Set([source.notionId, ...live]);
  const verdicts = await mapLimit(pageIds, state.env.concurrency, (id) =>
    judge(notion, source, id, stored, treeIds),
  );
  state.meter.counts.fetched += pageIds.length;
  await applyVerdicts(state, source, pageIds, verdicts);
}

/** Re-reads `pageIds` of one source; never throws for the source's own failure (see the result). */
export async function refreshPages(
  env: PullEnvironment,
  config: SourceConfig,
  pageIds: string[],
  options: RefreshOptions,
): Promise<RefreshResult> {
  const state = newState(env, config, options.trigger);
  const source = await env.store.sources.getByName(config.name);
  const result = (status: RefreshResult['status']): RefreshResult => ({
    source: config.name,
    status,
    runId: state.lease?.run.id ?? null,
    counts: state.meter.counts,
    errors: state.meter.errors,
  });
  if (!source) return result('skipped');
  const unique = [...new Set(pageIds)];
  let status: RefreshResult['status'] = 'ok';
  await withRunMeter(state.meter, async () => {
    try {
      state.lease = await startRun(env.store, {
        kind: 'refresh',
        sourceId: source.id,
        sourceName: config.name,
        trigger: options.trigger,
        staleAfterMs: env.staleRunAfterMs,
        heartbeatMs: env.heartbeatMs,
      });
      options.onRun?.(state.lease.run.id);
      await runRefresh(state, source, unique);
    } catch (error) {
      status = 'failed';
      state.meter.errors.push({
        code: error instanceof NotionSyncError ? error.code : 'internal',
        message: error instanceof Error ? error.message : String(error),
        at: new Date(env.clock.now()).toISOString(),
      });
    }
  });
  if (state.lease) await state.lease.finish(status === 'ok' ? 'ok' : 'failed', state.meter);
  return result(status);
}
