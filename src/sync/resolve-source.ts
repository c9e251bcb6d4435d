// Turns a configured source (database URL/id, data source id, or page URL/id) into the Notion
// object the engine reads. Invariants: a database with several data sources is never guessed —
// it is a `source_ambiguous` error listing them; an unknown or unshared object is a
// `source_not_found` error that names it and says how to share it. No store writes happen here.
import type { DataSourceObjectResponse, PageObjectResponse } from '@notionhq/client';
import type { SourceConfig } from '../config/index.ts';
import { NotionSyncError } from '../errors.ts';
import { isNotionApiError, type NotionClient, type PropertySchema } from '../notion/index.ts';
import { parseNotionId } from '../shared/index.ts';
import { initCommandOf } from './init/init-hint.ts';

export type ResolvedSource =
  | {
      kind: 'data_source';
      notionId: string;
      databaseId: string | null;
      title: string;
      /** The data source schema, keyed by property name (Notion's shape). */
      properties: Record<string, PropertySchema>;
    }
  | { kind: 'page'; notionId: string; title: string; page: PageObjectResponse };

const SHARE_HINT =
  'in Notion open it, choose ••• → Connections and add your integration, then pull again';

function configKey(source: SourceConfig): 'database' | 'dataSource' | 'page' {
  if (source.page) return 'page';
  if (source.dataSource) return 'dataSource';
  return 'database';
}

/** The dashed id a source points at; `config_invalid` with the key path when it has none. */
export function sourceNotionId(source: SourceConfig, index?: number): string {
  const key = configKey(source);
  const init = initCommandOf(source);
  if (!source.page && !source.database && !source.dataSource && init) {
    throw new NotionSyncError(
      'source_not_found',
      `Source "${source.name}" has no database yet: \`${init}\` creates it from its ${source.schema ? 'declared `schema:`' : 'table'}.`,
      { details: { source: source.name, needsInit: true } },
    );
  }
  const raw = source[key] ?? '';
  const id = parseNotionId(raw);
  if (!id) {
    const at = index === undefined ? `source "${source.name}"` : `sources[${index}].${key}`;
    throw new NotionSyncError(
      'config_invalid',
      `${at}: "${raw}" is not a Notion ID or URL — copy it from the ${key}'s Share menu (Copy link).`,
      { details: { source: source.name, key } },
    );
  }
  return id;
}

function titleOf(richText: unknown): string {
  if (!Array.isArray(richText)) return '';
  return richText.map((t) => (t as { plain_text?: string }).plain_text ?? '').join('');
}

function notFound(source: SourceConfig, id: string, cause: unknown): NotionSyncError {
  const what =
    configKey(source) === 'page'
      ? 'Page'
      : configKey(source) === 'dataSource'
        ? 'Data source'
        : 'Database';
  const init = initCommandOf(source);
  if (init) {
    return new NotionSyncError(
      'source_not_found',
      `${what} ${id} of source "${source.name}" is missing (404: deleted, or not shared with the integration). ` +
        `If it was deleted, \`${init}\` creates it again (a rebind: the old history is kept, detached); otherwise ${SHARE_HINT}.`,
      { details: { source: source.name, id, needsInit: true }, cause },
    );
  }
  return new NotionSyncError(
    'source_not_found',
    `${what} ${id} of source "${source.name}" was not found or is not shared with the integration: ${SHARE_HINT}.`,
    { details: { source: source.name, id }, cause },
  );
}

const isCode = (error: unknown, code: string) => isNotionApiError(error) && error.code === code;
const isMissing = (error: unknown) =>
  isCode(error, 'notion_not_found') || isCode(error, 'notion_validation');

/**
 * Why an id could not be read as the configured kind: when it is another kind of object (a page
 * given as `database:`, a database given as `page:`), a `config_invalid` naming the right key;
 * otherwise the "not found or not shared" error.
 */
async function explainMissing(
  notion: NotionClient,
  source: SourceConfig,
  id: string,
  cause: unknown,
): Promise<NotionSyncError> {
  const key = configKey(source);
  const wrongKind = (what: string, fix: string) =>
    new NotionSyncError(
      'config_invalid',
      `Source "${source.name}": ${id} is ${what}, not a ${key === 'dataSource' ? 'data source' : key} — ${fix}.`,
      { details: { source: source.name, id, key }, cause },
    );
  try {
    if (key === 'page') {
      await notion.databases.retrieve({ database_id: id });
      return wrongKind('a database', `use \`database: ${id}\` instead of \`page:\``);
    }
    const page = (await notion.pages.retrieve({ page_id: id })) as PageObjectResponse;
    const parent = page.parent as { type?: string; database_id?: string };
    if (parent.type === 'data_source_id' || parent.type === 'database_id') {
      return wrongKind(
        `a row (page) of database ${parent.database_id ?? 'unknown'}`,
        `point \`${key}:\` at that database, or use \`page: ${id}\` to copy this page alone`,
      );
    }
    return wrongKind('a page', `use \`page: ${id}\` to copy it and its sub-pages`);
  } catch {
    return notFound(source, id, cause);
  }
}

async function retrieveDataSource(
  notion: NotionClient,
  id: string,
): Promise<DataSourceObjectResponse> {
  return (await notion.dataSources.retrieve({ data_source_id: id })) as DataSourceObjectResponse;
}

function fromDataSource(ds: DataSourceObjectResponse, databaseId: string | null): ResolvedSource {
  const parent = ds.parent as { type?: string; database_id?: string };
  return {
    kind: 'data_source',
    notionId: ds.id,
    databaseId: databaseId ?? (parent.type === 'database_id' ? (parent.database_id ?? null) : null),
    title: titleOf(ds.title),
    properties: ds.properties as unknown as Record<string, PropertySchema>,
  };
}

async function resolveDatabase(
  notion: NotionClient,
  source: SourceConfig,
  id: string,
): Promise<ResolvedSource> {
  let database: { id: string; data_sources?: { id: string; name: string }[] };
  try {
    database = (await notion.databases.retrieve({ database_id: id })) as typeof database;
  } catch (error) {
    if (!isMissing(error)) throw error;
    // People paste a data source id under `database` too; accept it when it is one.
    try {
      return fromDataSource(await retrieveDataSource(notion, id), null);
    } catch (second) {
      if (isMissing(second)) throw await explainMissing(notion, source, id, error);
      throw second;
    }
  }
  const dataSources = database.data_sources ?? [];
  if (dataSources.length === 0) {
    throw new NotionSyncError(
      'source_not_found',
      `Database ${id} of source "${source.name}" has no data source the integration can read: ${SHARE_HINT}.`,
      { details: { source: source.name, id } },
    );
  }
  if (dataSources.length > 1) {
    const list = dataSources.map((d) => `${d.id} (${d.name || 'untitled'})`).join(', ');
    throw new NotionSyncError(
      'source_ambiguous',
      `Database ${id} of source "${source.name}" has ${dataSources.length} data sources: ${list}. ` +
        'Replace `database:` with `dataSource: <id>` naming the one to sync.',
      { details: { source: source.name, id, dataSources } },
    );
  }
  const only = dataSources[0]!;
  try {
    return fromDataSource(await retrieveDataSource(notion, only.id), database.id);
  } catch (error) {
    if (isCode(error, 'notion_not_found')) throw notFound(source, id, error);
    throw error;
  }
}

/**
 * Resolves a configured source against Notion. Errors: `config_invalid` (not an id or URL),
 * `source_not_found` (unknown or unshared), `source_ambiguous` (several data sources), and the
 * Notion access errors (`notion_unauthorized`, …) as they come.
 */
export async function resolveSource(
  notion: NotionClient,
  source: SourceConfig,
): Promise<ResolvedSource> {
  const id = sourceNotionId(source);
  const key = configKey(source);
  if (key === 'database') return resolveDatabase(notion, source, id);
  try {
    if (key === 'dataSource') return fromDataSource(await retrieveDataSource(notion, id), null);
    const page = (await notion.pages.retrieve({ page_id: id })) as PageObjectResponse;
    if ((page as { in_trash?: boolean }).in_trash) throw notFound(source, id, undefined);
    const titleProperty = Object.values(page.properties).find((p) => p.type === 'title') as
      | { title?: unknown }
      | undefined;
    return { kind: 'page', notionId: page.id, title: titleOf(titleProperty?.title), page };
  } catch (error) {
    if (isMissing(error)) throw await explainMissing(notion, source, id, error);
    throw error;
  }
}

/** True for errors meaning "this whole source cannot be read with this token right now". */
export function isAccessError(error: unknown): boolean {
  if (error instanceof NotionSyncError && error.code === 'source_not_found') return true;
  return (
    isCode(error, 'notion_not_found') ||
    isCode(error, 'notion_unauthorized') ||
    isCode(error, 'notion_forbidden')
  );
}
