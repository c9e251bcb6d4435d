// The engine: pull, push, sync, local edits, conflicts, status, history and runs over one store
// and one Notion connection. Invariants: a pull call pulls up to `sourceConcurrency` sources at
// once, all paced by the one connection, each under its own lease (runs.ts); push pushes sources
// one after the other, under the same lease; reads (`status`, `history`, `runs`,
// `conflicts.list`) never touch Notion.
import { mkdir } from 'node:fs/promises';
import { isFolderTarget, type SourceConfig } from '../config/index.ts';
import { NotionSyncError } from '../errors.ts';
import { type NotionClient, priorityOfTrigger, withRequestPriority } from '../notion/index.ts';
import { parseNotionId, silentLogger, systemClock } from '../shared/index.ts';
import { DEFAULT_MAX_ATTEMPTS, type SyncDirection } from '../store/index.ts';
import type { TargetProblem } from '../targets/index.ts';
import { browseConnection } from './connections/browse.ts';
import { createConnectionClients } from './connections/connection-clients.ts';
import { createConnectionsApi } from './connections/connections-api.ts';
import { createImportApi, importedSources } from './connections/import.ts';
import type {
  Engine,
  EngineOptions,
  HistoryResult,
  PullOptions,
  PullResult,
  SourcePullResult,
  SourceStatus,
  WatchOptions,
} from './engine-types.ts';
import { createFilesApi } from './files/files-api.ts';
import { DEFAULT_FILES_SETTINGS } from './files/files-settings.ts';
import { withDeclaredId, withDeclaredIds } from './init/declared-ids.ts';
import { initConnection, runInit } from './init/init.ts';
import type { InitOptions, InitResult } from './init/init-types.ts';
import { throwIfAborted } from './interrupt.ts';
import { type JanitorOptions, type JanitorReport, runJanitor } from './janitor/janitor.ts';
import { mapLimit } from './map-limit.ts';
import { type PullEnvironment, pullSource } from './pull/pull.ts';
import { refreshPages } from './pull/refresh.ts';
import { createConflictsApi } from './push/conflicts-api.ts';
import { createOutboxApi } from './push/outbox-api.ts';
import { pushSource, refreshSource } from './push/push.ts';
import type { PushEnvironment } from './push/push-context.ts';
import type { PushOptions, PushResult, SourcePushResult, SyncResult } from './push/push-types.ts';
import { rebindSource } from './rebind.ts';
import { createRecordsApi } from './records-api.ts';
import { runRestore } from './restore/restore.ts';
import type { RestoreOptions, RestoreTarget } from './restore/restore-types.ts';
import { gapsOf, meterRequests } from './runs.ts';
import type { Source } from './store-api.ts';
import { type FolderWatch, watchFolders } from './target-sync/folder-watch.ts';
import {
  exportFolderTargets,
  mergeSyncResults,
  prepareKeyProperty,
  syncTargets,
} from './target-sync/sync-targets.ts';
import { checkTargetConfigs, folderOf, type TargetDeps } from './target-sync/target-sync.ts';
import { unknownSourceError } from './unknown-source.ts';

const DEFAULTS = {
  overlapMs: 2 * 60_000,
  reconcileIntervalMs: 6 * 3_600_000,
  staleRunAfterMs: 2 * 60_000,
  heartbeatMs: 15_000,
  retryWaitMs: 60_000,
  freshnessCheckMs: 60_000,
  sourceConcurrency: 2,
};

/** The sources push (or sync) works on: named ones must be able to push. */
function selectPushSources(
  all: SourceConfig[],
  names: string[] | undefined,
  directions: SyncDirection[],
): SourceConfig[] {
  if (!names || names.length === 0)
    return all.filter((s) => directions.includes(s.direction ?? 'pull'));
  const selected = selectSources(all, names);
  for (const source of selected) {
    if (!directions.includes(source.direction ?? 'pull')) {
      throw new NotionSyncError(
        'usage',
        `Source "${source.name}" has direction ${source.direction ?? 'pull'}; set \`direction: ${directions.includes('push') ? 'push or both' : 'both'}\` in the config to ${directions.includes('push') ? 'push' : 'sync'} it.`,
        { details: { source: source.name } },
      );
    }
  }
  return selected;
}

function selectSources(all: SourceConfig[], names: string[] | undefined): SourceConfig[] {
  if (!names || names.length === 0) return all.filter((s) => (s.direction ?? 'pull') !== 'push');
  return [...new Set(names)].map((name) => {
    const found = all.find((s) => s.name === name);
    if (found) return found;
    throw unknownSourceError(name, all);
  });
}

/** The default connection's client from the engine options, made once on first use. */
function defaultClientOf(
  notion: NotionClient | undefined,
  factory: (() => NotionClient) | undefined,
): () => NotionClient {
  let made = notion;
  return () => {
    made ??= factory?.();
    if (!made) {
      throw new NotionSyncError(
        'config_invalid',
        'The engine needs a Notion connection: pass `notion`, `notionFactory` or `config.notion`.',
      );
    }
    return made;
  };
}

/**
 * Creates the sync engine over a store and a Notion connection (`notion`, or `notionFactory`
 * called on first use). `pull` returns per-source results and never throws for a source's own
 * failure (it is in the result and in `runs`); it throws `usage` for an unknown source name.
 */
export function createEngine(options: EngineOptions): Engine {
  const { store, config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const defaultClient =
    options.notion || options.notionFactory
      ? defaultClientOf(options.notion, options.notionFactory)
      : undefined;
  const clients =
    options.connectionClients ??
    createConnectionClients({
      store,
      ...(config.notion
        ? {
            config: {
              notion: config.notion,
              connections: config.connections ?? [],
              ...(config.runner ? { runner: config.runner } : {}),
            },
          }
        : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(defaultClient ? { defaultClient } : {}),
      oauth: options.oauth ?? null,
      clock,
      logger,
    });
  /** The client of the connection a source uses, metered into the run that calls it. */
  const clientFor = async (source: Pick<SourceConfig, 'connection'>): Promise<NotionClient> => {
    const notion = await clients.client(source.connection);
    meterRequests(notion);
    return notion;
  };

  const pullEnvironment = async (source: SourceConfig): Promise<PullEnvironment> => ({
    store,
    notion: await clientFor(source),
    connectionId: await clients.storedId(source.connection),
    clock,
    logger,
    overlapMs: options.overlapMs ?? DEFAULTS.overlapMs,
    reconcileIntervalMs: options.reconcileIntervalMs ?? DEFAULTS.reconcileIntervalMs,
    staleRunAfterMs: options.staleRunAfterMs ?? DEFAULTS.staleRunAfterMs,
    heartbeatMs: options.heartbeatMs ?? DEFAULTS.heartbeatMs,
    concurrency: 3,
    files: { ...DEFAULT_FILES_SETTINGS, ...options.files },
  });

  /** Pull, then write the files of the pulled sources that have a folder target. */
  async function pull(names?: string[], pullOptions: PullOptions = {}): Promise<PullResult> {
    const pulled = await pullOnly(names, pullOptions);
    if (!config.sources.some((s) => isFolderTarget(s.target))) return pulled;
    const targets = await exportFolderTargets(targetDeps(), pulled, loadSource);
    if (targets.length === 0) return pulled;
    const ok =
      pulled.ok && targets.every((t) => t.errors.length === 0 && t.export?.failed.length === 0);
    return { ...pulled, ok, targets };
  }

  /** The configured sources and the ones imported through OAuth installations. */
  const allSources = async (): Promise<SourceConfig[]> => [
    ...config.sources,
    ...(await importedSources(store, config.sources)),
  ];

  async function pullOnly(names?: string[], pullOptions: PullOptions = {}): Promise<PullResult> {
    const selected = await withDeclaredIds(store, selectSources(await allSources(), names));
    // Sources of one connection share its pacing; running a few at once keeps its budget busy
    // while one of them waits on a response (each source still has its own lease).
    const results: SourcePullResult[] = await mapLimit(
      selected,
      options.sourceConcurrency ?? DEFAULTS.sourceConcurrency,
      async (source) => pullSource(await pullEnvironment(source), source, pullOptions ?? {}),
    );
    const result = { ok: results.every((r) => r.status === 'ok'), sources: results };
    throwIfAborted(pullOptions.signal, 'The pull', result);
    return result;
  }

  async function status(): Promise<SourceStatus[]> {
    const out: SourceStatus[] = [];
    for (const sourceConfig of await allSources()) {
      const source = await store.sources.getByName(sourceConfig.name);
      if (!source) {
        out.push({
          name: sourceConfig.name,
          config: sourceConfig,
          source: null,
          lastRun: null,
          rows: { live: 0, tombstoned: 0 },
          checkpoint: null,
          schemaChanges: [],
          gaps: null,
          outbox: { pending: 0, dead: [] },
          openConflicts: 0,
          declared: await store.declared.get(sourceConfig.name),
        });
        continue;
      }
      const [lastRun] = await store.runs.list({ sourceId: source.id, limit: 1 });
      out.push({
        name: sourceConfig.name,
        config: sourceConfig,
        source,
        lastRun: lastRun ?? null,
        rows: await store.records.count(source.id),
        checkpoint: await store.checkpoints.read(source.id),
        schemaChanges: await store.sources.listSchemaChanges(source.id),
        gaps: lastRun ? gapsOf(lastRun) : null,
        outbox: {
          pending: (await store.outbox.list({ sourceId: source.id, state: 'pending' })).length,
          dead: await store.outbox.list({ sourceId: source.id, state: 'dead' }),
        },
        openConflicts: (await store.conflicts.list({ sourceId: source.id })).length,
        declared: await store.declared.get(sourceConfig.name),
      });
    }
    return out;
  }

  async function history(
    pageIdOrUrl: string,
    historyOptions: { diff?: boolean } = {},
  ): Promise<HistoryResult[]> {
    const pageId = parseNotionId(pageIdOrUrl);
    if (!pageId) {
      throw new NotionSyncError(
        'usage',
        `"${pageIdOrUrl}" is not a Notion page id or URL — copy it from the page's Share menu (Copy link).`,
        {
          details: { input: pageIdOrUrl },
        },
      );
    }
    const records = await store.records.findByKey(pageId);
    if (records.length === 0) {
      throw new NotionSyncError(
        'store_not_found',
        `Page ${pageId} is not in the store; pull the source it belongs to first.`,
        { details: { pageId } },
      );
    }
    const results: HistoryResult[] = [];
    for (const record of records) {
      const source = await store.sources.get(record.sourceId);
      const names = Object.fromEntries(
        Object.values(source?.schema.properties ?? {}).map((p) => [p.id, p.name]),
      );
      const versions = await store.history.listVersions(record.id);
      const files = await store.files.list({ versionIds: versions.map((v) => v.id) });
      const entries = [];
      for (const [i, version] of versions.entries()) {
        const previous = versions[i - 1];
        const own = files.filter((f) => f.versionId === version.id);
        if (!historyOptions.diff || !previous) entries.push({ version, files: own });
        else {
          const diff = await store.history.diff(record.id, previous.seq, version.seq);
          entries.push({
            version,
            files: own,
            changes: diff.properties,
            contentChanged: diff.contentChanged,
          });
        }
      }
      results.push({
        pageId,
        source: source?.name ?? String(record.sourceId),
        tombstone: record.tombstone,
        names,
        versions: entries,
      });
    }
    return results;
  }

  async function runs(runOptions: { source?: string; limit?: number } = {}) {
    let sourceId: number | undefined;
    if (runOptions.source) {
      const source = await store.sources.getByName(runOptions.source);
      if (!source) return [];
      sourceId = source.id;
    }
    return store.runs.list({
      ...(sourceId !== undefined ? { sourceId } : {}),
      limit: runOptions.limit ?? 50,
    });
  }

  const loadSource = async (config: SourceConfig): Promise<Source> =>
    (await store.sources.getByName(config.name)) ??
    refreshSource(
      { store, notion: await clientFor(config), logger },
      await withDeclaredId(store, config),
    );

  const outbox = createOutboxApi(store);

  const pushEnvironment = async (
    source: Pick<SourceConfig, 'connection'>,
    dryRun = false,
  ): Promise<PushEnvironment> => {
    // A dry run plans from the store alone and needs no token: a missing one fails on use.
    const notion = await clientFor(source).catch((error: unknown) => {
      if (!dryRun) throw error;
      return error as Error;
    });
    return {
      store,
      get notion() {
        if (notion instanceof Error) throw notion;
        return notion;
      },
      clock,
      logger,
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryWaitMs: options.retryWaitMs ?? DEFAULTS.retryWaitMs,
      overlapMs: options.overlapMs ?? DEFAULTS.overlapMs,
      freshnessCheckMs: options.freshnessCheckMs ?? DEFAULTS.freshnessCheckMs,
      staleRunAfterMs: options.staleRunAfterMs ?? DEFAULTS.staleRunAfterMs,
      heartbeatMs: options.heartbeatMs ?? DEFAULTS.heartbeatMs,
    };
  };

  async function push(names?: string[], pushOptions: PushOptions = {}): Promise<PushResult> {
    const selected = await withDeclaredIds(
      store,
      selectPushSources(config.sources, names, ['push', 'both']),
    );
    // `--retry-dead` is the outbox API's requeue, the same one `notion-sync outbox requeue` uses.
    if (pushOptions.retryDead && !pushOptions.dryRun && !pushOptions.preview) {
      for (const s of selected) await outbox.requeue('all', { source: s.name, deadOnly: true });
    }
    const results: SourcePushResult[] = [];
    let openConflicts = 0;
    for (const sourceConfig of selected) {
      throwIfAborted(pushOptions.signal, 'The push', { sources: results });
      let source = await store.sources.getByName(sourceConfig.name);
      if (!source && pushOptions.dryRun) continue;
      source ??= await loadSource(sourceConfig);
      const env = await pushEnvironment(sourceConfig, pushOptions.dryRun === true);
      results.push(await pushSource(env, sourceConfig, source, pushOptions));
      openConflicts += (await store.conflicts.list({ sourceId: source.id })).length;
    }
    const result = { ok: results.every((r) => r.status === 'ok'), sources: results, openConflicts };
    throwIfAborted(pushOptions.signal, 'The push', result);
    return result;
  }

  async function sync(
    names?: string[],
    syncOptions: PushOptions & Pick<PullOptions, 'onProgress'> = {},
  ): Promise<SyncResult> {
    const all = selectPushSources(config.sources, names, ['both']);
    const withTargets = all.filter((s) => s.target);
    const selected = all.filter((s) => !s.target).map((s) => s.name);
    // The pull's run is the one reported to onRun: it starts first.
    const { onProgress, onRun, ...pushOptions } = syncOptions;
    const pullOptions: PullOptions = {
      trigger: syncOptions.trigger ?? 'api',
      ...(onProgress ? { onProgress } : {}),
      ...(syncOptions.signal ? { signal: syncOptions.signal } : {}),
    };
    const targeted =
      withTargets.length > 0
        ? await syncTargets(targetDeps(), withTargets, {
            pull: (n) => pullOnly(n, pullOptions),
            push: (n) => push(n, pushOptions),
            loadSource,
            prepare: async (c) =>
              prepareKeyProperty(
                { store, notion: await clientFor(c), logger },
                await withDeclaredId(store, c),
              ),
            refresh: async (n, ids) =>
              void (await refresh(n, ids, { trigger: syncOptions.trigger ?? 'api' })),
          })
        : null;
    if (selected.length === 0 && targeted) return targeted;
    const pulled = await pull(selected, { ...pullOptions, ...(onRun ? { onRun } : {}) });
    // A source whose pull failed is not pushed: its merge would compare against a stale base.
    const pulledOk = pulled.sources.filter((r) => r.status === 'ok').map((r) => r.source);
    const pushed =
      pulledOk.length > 0
        ? await push(pulledOk, pushOptions)
        : { ok: true, sources: [], openConflicts: 0 };
    const result = {
      ok: pulled.ok && pushed.ok,
      pull: pulled,
      push: pushed,
      openConflicts: pushed.openConflicts,
    };
    return targeted ? mergeSyncResults(targeted, result) : result;
  }

  const rebind = (name: string, rebindOptions: { trigger?: string } = {}) =>
    rebindSource(store, config.sources, name, {
      trigger: rebindOptions.trigger ?? 'api',
      staleAfterMs: options.staleRunAfterMs ?? DEFAULTS.staleRunAfterMs,
      heartbeatMs: options.heartbeatMs ?? DEFAULTS.heartbeatMs,
    });

  // Creating a gone database again is an explicit rebind: its old history is detached.
  const init = async (names?: string[], initOptions: InitOptions = {}): Promise<InitResult> =>
    runInit(
      {
        store,
        notion: await clientFor({ connection: initConnection(config.sources, names) }),
        rebind: (name) => rebind(name, { trigger: 'init' }),
        tables: targetDeps(),
      },
      config.sources,
      names,
      initOptions,
    );

  const janitor = (janitorOptions: JanitorOptions = {}): Promise<JanitorReport> =>
    runJanitor(
      {
        store,
        notion: clientFor,
        outbox,
        clock,
        sources: config.sources,
        settings: {
          keepRunsDays: options.janitor?.keepRunsDays ?? 90,
          keepWebhookEventsDays: options.janitor?.keepWebhookEventsDays ?? 30,
        },
      },
      { trigger: options.trigger ?? 'api', ...janitorOptions },
    );

  const restore = (target: RestoreTarget, restoreOptions: RestoreOptions = {}) =>
    runRestore(
      {
        store,
        sources: config.sources,
        pull: async (name) => (await pull([name], { trigger: 'restore' })).sources[0]!,
        push: async (sourceConfig, source) =>
          pushSource(
            await pushEnvironment(sourceConfig),
            await withDeclaredId(store, sourceConfig),
            source,
            {
              trigger: 'restore',
            },
          ),
      },
      target,
      restoreOptions,
    );
  // Imported sources too: a webhook of an OAuth installation refreshes the pages of its import.
  const refresh: Engine['refresh'] = async (sourceName, pageIds, refreshOptions) => {
    const [source] = selectSources(await allSources(), [sourceName]);
    // A webhook refresh is what someone waits for: its requests go in the interactive lane.
    return withRequestPriority(priorityOfTrigger(refreshOptions.trigger), async () =>
      refreshPages(await pullEnvironment(source!), source!, pageIds, refreshOptions),
    );
  };

  const records = createRecordsApi({
    store,
    sources: config.sources,
    loadSource,
    trigger: options.trigger ?? 'api',
  });
  const targetDeps = (): TargetDeps => ({
    store,
    records,
    sources: config.sources,
    environment: options.environment ?? {},
    ...(options.baseDir ? { baseDir: options.baseDir } : {}),
  });
  const conflicts = createConflictsApi(store);
  const files = createFilesApi(store, () => clock.now());
  const checkTargets = async (): Promise<TargetProblem[]> =>
    checkTargetConfigs(targetDeps(), config.sources, async (c) =>
      prepareKeyProperty(
        { store, notion: await clientFor(c), logger },
        await withDeclaredId(store, c),
      ),
    );
  async function watch(names?: string[], watchOptions: WatchOptions = {}): Promise<FolderWatch> {
    const { trigger, signal, onNotice, ...rest } = watchOptions;
    const selected = selectPushSources(config.sources, names, ['both']).filter((s) =>
      isFolderTarget(s.target),
    );
    if (selected.length === 0) {
      throw new NotionSyncError(
        'usage',
        'No source to watch: watch takes sources with a folder target (`target: { folder: … }`) and `direction: both`.',
        { details: { names: names ?? [] } },
      );
    }
    const folders = new Map<string, string>();
    for (const source of selected) {
      const folder = folderOf(source, options.baseDir)!;
      await mkdir(folder, { recursive: true });
      folders.set(source.name, folder);
    }
    const syncOptions = {
      trigger: trigger ?? 'watch',
      ...(signal ? { signal } : {}),
      ...(onNotice ? { onNotice } : {}),
    };
    const lane = priorityOfTrigger(syncOptions.trigger);
    return watchFolders({
      ...rest,
      folders,
      clock,
      sync: (n) => withRequestPriority(lane, () => sync(n, syncOptions)),
    });
  }

  const connections = createConnectionsApi({
    store,
    clients,
    sources: () => config.sources,
    logger,
    clock,
  });
  const imports = createImportApi({
    clients,
    pull: async (source, options) => pullSource(await pullEnvironment(source), source, options),
  });

  return {
    connections: {
      ...connections,
      browse: async (name) => browseConnection(await clientFor({ connection: name })),
    },
    import: imports.import,
    onImportFinished: imports.onImportFinished,
    watch,
    pull,
    status,
    history,
    runs,
    refresh,
    // A push someone started (console, MCP, API, CLI) goes before backfills (DESIGN.md §6).
    push: (names, pushOptions = {}) =>
      withRequestPriority(priorityOfTrigger(pushOptions.trigger ?? 'api'), () =>
        push(names, pushOptions),
      ),
    sync: (names, syncOptions = {}) =>
      withRequestPriority(priorityOfTrigger(syncOptions.trigger ?? 'api'), () =>
        sync(names, syncOptions),
      ),
    rebind,
    init,
    janitor,
    restore,
    records,
    conflicts,
    outbox,
    checkTargets,
    files,
  };
}
