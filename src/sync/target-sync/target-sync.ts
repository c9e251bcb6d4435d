// The target steps of `sync` (DESIGN.md §5 Targets): scan → pull → push → export, per source, in
// dependency order (a table referenced by another's foreign key goes first, so the referencing
// rows find their pages). Invariants:
// - scan changes become local edits through the records API (merge, conflicts, sync keys and the
//   outbox stay as they are); the item's hashes are remembered after the edit commits, and a scan
//   repeated after a crash finds the edit applied (equal values set nothing; a created record is
//   found by its local key) — never a second record;
// - export keys a target chose for rows created in Notion are written back as local edits, and a
//   second push sends them within the same sync;
// - a change one record cannot take (a value Notion's schema refuses) is reported; the rest go on.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import {
  bookkeepingOf,
  isFolderTarget,
  isTableTarget,
  type SourceConfig,
} from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import { openSqlConnection, type SqlConnection } from '../../store/index.ts';
import {
  createMarkdownFolderTarget,
  createSqlTableTarget,
  createStoreTarget,
  type ExportResult,
  type LocalChange,
  type Target,
  type TargetInput,
  type TargetProblem,
} from '../../targets/index.ts';
import { DEFAULT_SYNC_KEY_PROPERTY, type RecordsApi } from '../push/push-types.ts';
import type { Source, Store, StoreRecord } from '../store-api.ts';
import { parentOption } from './tree-changes.ts';

export interface TargetDeps {
  store: Store;
  records: RecordsApi;
  sources: SourceConfig[];
  /** Environment variables a target names (`urlEnv`); never read from process.env here. */
  environment: Record<string, string | undefined>;
  /** Directory a relative SQLite path of `urlEnv` is resolved against. */
  baseDir?: string;
}

export interface ScanSummary {
  scanned: number;
  unchanged: number;
  waiting: number;
  created: number;
  updated: number;
  deleted: number;
  detached: number;
  failed: { itemKey: string; error: string }[];
}

export interface TargetSyncResult {
  source: string;
  /** `markdown-folder` for a folder target, else `sql-table`. */
  kind: 'sql-table' | 'markdown-folder';
  scan: ScanSummary | null;
  export: ExportResult | null;
  errors: { code: string; message: string }[];
}

export function keyPropertyOf(config: SourceConfig): string {
  return config.syncKeyProperty ?? DEFAULT_SYNC_KEY_PROPERTY;
}

/** The absolute folder of a folder target (relative paths: against `baseDir`). */
export function folderOf(config: SourceConfig, baseDir: string | undefined): string | null {
  return isFolderTarget(config.target) ? resolve(baseDir ?? '.', config.target.folder) : null;
}

/** The connection to the database of a source's table when `urlEnv` names one (else null: the store's). */
export async function openTargetConnection(
  deps: Pick<TargetDeps, 'environment' | 'baseDir'>,
  config: SourceConfig,
): Promise<SqlConnection | null> {
  const urlEnv = isTableTarget(config.target) ? config.target.urlEnv : undefined;
  if (!urlEnv) return null;
  const url = deps.environment[urlEnv];
  if (!url) {
    throw new NotionSyncError(
      'config_invalid',
      `Source "${config.name}" keeps its table in the database named by ${urlEnv}, which is not set: export ${urlEnv}=postgres://… (or a SQLite path), or remove \`urlEnv\` to use the store's database.`,
      { details: { source: config.name, env: urlEnv } },
    );
  }
  return openSqlConnection(url, deps.baseDir);
}

/** The source's target: its table when configured, else the store. */
export async function openTarget(deps: TargetDeps, config: SourceConfig): Promise<Target> {
  const target = config.target;
  if (!target) return createStoreTarget();
  if (isFolderTarget(target)) {
    return createMarkdownFolderTarget({
      folder: folderOf(config, deps.baseDir)!,
      store: deps.store,
      layout: target.layout ?? (config.page ? 'tree' : 'flat'),
      rename: target.rename ?? false,
      onLocalDelete: target.onLocalDelete ?? 'trash',
      onNotionDelete: target.onNotionDelete ?? 'delete',
    });
  }
  const index = deps.sources.indexOf(config);
  const connection = await openTargetConnection(deps, config);
  return createSqlTableTarget({
    config: target,
    path: `sources[${index}].target`,
    store: deps.store,
    connection,
    keyPropertyName: keyPropertyOf(config),
    peers: deps.sources.flatMap((s) =>
      s.target && !isFolderTarget(s.target)
        ? [{ sourceName: s.name, table: s.target.table, urlEnv: s.target.urlEnv }]
        : [],
    ),
  });
}

export async function targetInput(
  deps: TargetDeps,
  config: SourceConfig,
  source: Source,
): Promise<TargetInput> {
  const keyName = keyPropertyOf(config);
  const key = Object.values(source.schema.properties).find((p) => p.name === keyName);
  return {
    source,
    records: await deps.store.targets.listRecords(source.id),
    keyPropertyId: key && key.type === 'rich_text' ? key.id : null,
  };
}

const refOf = (record: StoreRecord) => record.pageId ?? record.localKey;

async function applyChange(
  deps: TargetDeps,
  config: SourceConfig,
  source: Source,
  change: LocalChange,
  summary: ScanSummary,
): Promise<void> {
  const { store, records } = deps;
  const remember = (
    recordId: number,
    c: LocalChange & { targetHash: string | null; storeHash: string },
  ) =>
    store.targets.put({
      recordId,
      sourceId: source.id,
      itemKey: c.itemKey,
      targetHash: c.targetHash,
      storeHash: c.storeHash,
      state: 'synced',
    });
  if (change.kind === 'create') {
    // A table may reuse the key of a deleted row: free it, or create under another local key
    // (the next scan then writes the row's key into the page's key property).
    const free = await store.targets.releaseLocalKey(source.id, change.itemKey);
    const localKey = free ? change.itemKey : `${change.itemKey}~${randomUUID()}`;
    const edit = await records.create(config.name, change.values as never, {
      localKey,
      ...(typeof change.content === 'string' ? { content: change.content } : {}),
      ...(await parentOption(store, source, change)),
    });
    await remember(edit.record.id, change);
    summary.created += 1;
    return;
  }
  const record = await store.records.get(change.recordId);
  if (change.kind === 'update') {
    const body = typeof change.content === 'string' ? { content: change.content } : {};
    const moved = await parentOption(store, source, change);
    if (
      record &&
      (Object.keys(change.values).length > 0 || body.content !== undefined || moved.parent)
    ) {
      const base =
        change.baseVersionId !== undefined ? { baseVersionId: change.baseVersionId } : {};
      await records.update(config.name, refOf(record), change.values as never, {
        ...body,
        ...base,
        ...moved,
      });
      summary.updated += 1;
    }
    await remember(change.recordId, change);
    return;
  }
  if (change.action === 'trash' && record && record.tombstone === null) {
    await records.delete(config.name, refOf(record));
    summary.deleted += 1;
  }
  if (change.action === 'keep') {
    const item = (await store.targets.list(source.id)).find((i) => i.recordId === change.recordId);
    if (item) await store.targets.put({ ...item, state: 'detached' });
    summary.detached += 1;
  } else await store.targets.remove(change.recordId);
}

/** Scan: the target's changes become local edits (and are remembered). */
export async function scanStep(
  deps: TargetDeps,
  target: Target,
  config: SourceConfig,
  source: Source,
): Promise<ScanSummary> {
  const result = await target.scan(await targetInput(deps, config, source));
  const summary: ScanSummary = {
    scanned: result.scanned,
    unchanged: result.unchanged,
    waiting: result.waiting,
    created: 0,
    updated: 0,
    deleted: 0,
    detached: 0,
    failed: [...(result.failed ?? [])],
  };
  for (const change of result.changes) {
    try {
      await applyChange(deps, config, source, change, summary);
    } catch (error) {
      if (!(error instanceof NotionSyncError)) throw error;
      if (error.code !== 'value_invalid' && error.code !== 'file_invalid') throw error;
      summary.failed.push({ itemKey: change.itemKey, error: error.message });
    }
  }
  if (result.cursor !== undefined) await deps.store.targets.writeCursor(source.id, result.cursor);
  return summary;
}

/** Records with an open conflict or a local edit not yet in Notion: their files keep local text. */
async function heldRecords(deps: TargetDeps, source: Source): Promise<Set<number>> {
  const held = new Set<number>();
  for (const c of await deps.store.conflicts.list({ sourceId: source.id, state: 'open' }))
    held.add(c.recordId);
  for (const state of ['pending', 'in_flight', 'dead'] as const)
    for (const item of await deps.store.outbox.list({ sourceId: source.id, state }))
      held.add(item.recordId);
  return held;
}

/**
 * Export: write what changed in the store. Keys the target chose for rows created in Notion, and
 * `pending` for records it refused (with `bookkeeping.syncStatus`), go back as local edits;
 * `queued` counts them (the caller pushes them).
 */
export async function exportStep(
  deps: TargetDeps,
  target: Target,
  config: SourceConfig,
  source: Source,
): Promise<ExportResult & { queued: number }> {
  const input = {
    ...(await targetInput(deps, config, source)),
    held: await heldRecords(deps, source),
  };
  const result = await target.export(input);
  const edits: { recordId: number; values: Record<string, string> }[] = [];
  if (input.keyPropertyId) {
    for (const { recordId, key } of result.keys)
      edits.push({ recordId, values: { [input.keyPropertyId]: key } });
  }
  const status = bookkeepingOf(config.target)?.syncStatus;
  if (status)
    for (const { recordId } of result.failed)
      edits.push({ recordId, values: { [status]: 'pending' } });
  for (const edit of edits) {
    const record = await deps.store.records.get(edit.recordId);
    if (record && record.tombstone === null)
      await deps.records.update(config.name, refOf(record), edit.values);
  }
  return { ...result, queued: edits.length };
}

/** Sources with targets ordered so that every source comes after the ones it refers to. */
export async function orderByDependencies(
  deps: TargetDeps,
  configs: SourceConfig[],
  sourceOf: (config: SourceConfig) => Promise<Source>,
): Promise<SourceConfig[]> {
  const needs = new Map<string, string[]>();
  for (const config of configs) {
    const target = await openTarget(deps, config);
    try {
      needs.set(config.name, await target.dependencies(await sourceOf(config)));
    } finally {
      await target.close();
    }
  }
  const ordered: SourceConfig[] = [];
  const visit = (config: SourceConfig, path: string[]) => {
    if (ordered.includes(config) || path.includes(config.name)) return;
    for (const name of needs.get(config.name) ?? []) {
      const dependency = configs.find((c) => c.name === name);
      if (dependency) visit(dependency, [...path, config.name]);
    }
    ordered.push(config);
  };
  for (const config of configs) visit(config, []);
  return ordered;
}

/** Every problem of every configured target against its live medium. */
export async function checkTargetConfigs(
  deps: TargetDeps,
  configs: SourceConfig[],
  sourceOf: (config: SourceConfig) => Promise<Source>,
): Promise<TargetProblem[]> {
  const problems: TargetProblem[] = [];
  for (const config of configs.filter((c) => c.target)) {
    let target: Target;
    try {
      target = await openTarget(deps, config);
    } catch (error) {
      if (!(error instanceof NotionSyncError)) throw error;
      problems.push({
        path: `sources[${deps.sources.indexOf(config)}].target.urlEnv`,
        message: error.message,
      });
      continue;
    }
    try {
      problems.push(...(await target.check(await sourceOf(config))));
    } catch (error) {
      // A database init has yet to create: its columns are checked once it exists.
      if (!(error instanceof NotionSyncError) || !error.details?.needsInit) throw error;
      problems.push({ path: `sources[${deps.sources.indexOf(config)}]`, message: error.message });
    } finally {
      await target.close();
    }
  }
  return problems;
}
