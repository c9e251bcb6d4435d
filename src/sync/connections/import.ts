// The page-picker import (`engine.import`): each pick of a connection becomes a source — a page
// tree or a data source — that reads through that connection and is pulled at once with trigger
// `import`. Imported sources are not in the config: they live in the store (kind, Notion id and
// the connection's id), and `importedSources` turns them back into source configs so pull,
// status and the console treat them like configured ones.
import type { SourceConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import { parseNotionId } from '../../shared/index.ts';
import type { PullOptions, PullProgress, SourcePullResult } from '../engine-types.ts';
import type { Store } from '../store-api.ts';
import type { PickKind } from './browse.ts';
import type { ConnectionClients } from './connection-clients.ts';

export interface ImportPick {
  /** A page id (imports the page tree) or a data source id. */
  id: string;
  kind: PickKind;
  /** Names the source (made unique); default: the kind and the id. */
  title?: string;
}

export interface ImportOptions {
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
}

export interface ImportResult {
  connection: string;
  ok: boolean;
  sources: SourcePullResult[];
}

/** Source names are SQL view names: a slug of the title and the id's first characters. */
export function importedSourceName(pick: ImportPick): string {
  const slug = (pick.title ?? (pick.kind === 'page' ? 'page' : 'database'))
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^[^A-Za-z]+|-+$/g, '')
    .slice(0, 40)
    .toLowerCase();
  return `${slug || 'import'}-${pick.id.replace(/-/g, '').slice(0, 8)}`;
}

/** The source configs of picks; `value_invalid` for a malformed pick (nothing imported). */
export function sourcesOfPicks(connection: string, picks: ImportPick[]): SourceConfig[] {
  if (picks.length === 0)
    throw new NotionSyncError('value_invalid', 'Pick at least one page or database to import.');
  return picks.map((pick) => {
    const id = typeof pick.id === 'string' ? parseNotionId(pick.id) : null;
    if (!id || (pick.kind !== 'page' && pick.kind !== 'data_source')) {
      throw new NotionSyncError(
        'value_invalid',
        `Pick ${JSON.stringify(pick.id)} is not a page or data source id of kind page or data_source.`,
        { details: { pick: pick.id } },
      );
    }
    const name = importedSourceName(pick);
    return pick.kind === 'page'
      ? { name, page: id, connection }
      : { name, dataSource: id, content: 'markdown' as const, connection };
  });
}

/**
 * Sources imported through OAuth installations (in the store, not in the config); `activeOnly`:
 * only those of installations that work now (not disconnected, no reconnect pending).
 */
export async function importedSources(
  store: Store,
  configured: readonly SourceConfig[],
  options: { activeOnly?: boolean } = {},
): Promise<SourceConfig[]> {
  const installations = new Map(
    (await store.connections.list())
      .filter((c) => c.kind === 'oauth' && (!options.activeOnly || c.status === 'active'))
      .map((c) => [c.id, c.name]),
  );
  const names = new Set(configured.map((s) => s.name));
  const out: SourceConfig[] = [];
  for (const source of await store.sources.list()) {
    const connection =
      source.connectionId === null ? undefined : installations.get(source.connectionId);
    if (!connection || names.has(source.name) || source.accessState === 'detached') continue;
    out.push(
      source.kind === 'page'
        ? { name: source.name, page: source.notionId, connection }
        : { name: source.name, dataSource: source.notionId, content: 'markdown', connection },
    );
  }
  return out;
}

export interface ImportApi {
  import(connection: string, picks: ImportPick[], options?: ImportOptions): Promise<ImportResult>;
  onImportFinished(listener: (result: ImportResult) => void): () => void;
}

export interface ImportDeps {
  clients: ConnectionClients;
  /** Pulls one source through its connection (the engine's pull of a single source). */
  pull: (source: SourceConfig, options: PullOptions) => Promise<SourcePullResult>;
}

/** `engine.import` and `engine.onImportFinished`. */
export function createImportApi(deps: ImportDeps): ImportApi {
  const listeners = new Set<(result: ImportResult) => void>();

  async function importPicks(
    connection: string,
    picks: ImportPick[],
    options: ImportOptions = {},
  ): Promise<ImportResult> {
    const sources = sourcesOfPicks(connection, picks);
    if (deps.clients.configured().some((c) => c.name === connection)) {
      throw new NotionSyncError(
        'usage',
        `Connection "${connection}" is a token from the environment: add its sources to the config (with \`connection: ${connection}\`); import is for OAuth installations.`,
        { details: { connection } },
      );
    }
    await deps.clients.client(connection); // an unknown or revoked connection fails before any run
    const results: SourcePullResult[] = [];
    for (const source of sources) {
      results.push(
        await deps.pull(source, {
          trigger: 'import',
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      );
    }
    const result = { connection, ok: results.every((r) => r.status === 'ok'), sources: results };
    for (const listener of listeners) listener(result);
    return result;
  }

  return {
    import: importPicks,
    onImportFinished(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
