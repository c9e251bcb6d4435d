// The sources `init --from-table` works on, each with its schema derived from its target table
// (table-schema.ts). Reads each table's catalog only — the user's tables are never altered —
// and fails before planning when any column cannot be derived, naming every problem at once.
import {
  type DeclaredSchemaInput,
  isTableTarget,
  type SourceConfig,
  type TableTargetConfig,
} from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import { qualifiedTable, readTableCatalog } from '../../targets/index.ts';
import {
  keyPropertyOf,
  openTargetConnection,
  type TargetDeps,
} from '../target-sync/target-sync.ts';
import { findConfiguredSource } from '../unknown-source.ts';
import { deriveTableSchema, type SchemaProblem } from './table-schema.ts';

export type TableDeps = Pick<TargetDeps, 'store' | 'environment' | 'baseDir' | 'sources'>;

/** The named sources (which must have a table target), or every source with one. */
function selectTableSources(all: SourceConfig[], names: string[] = []): SourceConfig[] {
  if (names.length === 0) {
    const tables = all.filter((s) => s.target);
    if (tables.length === 0)
      throw new NotionSyncError(
        'usage',
        'No source has a `target:` table, so --from-table has nothing to derive a schema from: add `target: { table, key }` to a source.',
      );
    return tables;
  }
  return names.map((name) => {
    const config = findConfiguredSource(all, name);
    if (!config.target)
      throw new NotionSyncError(
        'usage',
        `Source "${name}" has no \`target:\` table, so --from-table has nothing to derive its schema from: add \`target: { table, key }\`, or run init without --from-table.`,
        { details: { source: name } },
      );
    return config;
  });
}

async function deriveOne(
  deps: TableDeps,
  config: SourceConfig,
  problems: SchemaProblem[],
): Promise<DeclaredSchemaInput | null> {
  const index = deps.sources.indexOf(config);
  const target = config.target;
  if (!isTableTarget(target)) return null;
  const connection = await openTargetConnection(deps, config);
  try {
    const dialect = connection?.dialect ?? deps.store.dialect;
    const db = connection?.db ?? deps.store.targets.database();
    const catalog = await readTableCatalog(db, dialect, target.table);
    if (!catalog) {
      problems.push({
        path: `sources[${index}].target.table`,
        message: `table ${target.table} does not exist${target.urlEnv ? ` in the database of ${target.urlEnv}` : ' in the store database'}: create it, or fix \`table\`.`,
      });
      return null;
    }
    const peers = deps.sources.filter(
      (s) => isTableTarget(s.target) && (s.target.urlEnv ?? null) === (target.urlEnv ?? null),
    );
    const derived = deriveTableSchema({
      config,
      index,
      catalog,
      keyPropertyName: keyPropertyOf(config),
      tableSources: new Map(
        peers.map((s) => [qualifiedTable(dialect, (s.target as TableTargetConfig).table), s.name]),
      ),
    });
    problems.push(...derived.problems);
    return derived.schema;
  } finally {
    await connection?.close();
  }
}

/**
 * Every configured source, the selected ones with their derived schema (explicit properties win),
 * and the names selected. Throws `config_invalid` listing every column that cannot be derived.
 */
export async function withTableSchemas(
  deps: TableDeps,
  names: string[] | undefined,
): Promise<{ sources: SourceConfig[]; selected: string[] }> {
  const selected = selectTableSources(deps.sources, names);
  const problems: SchemaProblem[] = [];
  const schemas = new Map<string, DeclaredSchemaInput>();
  for (const config of selected) {
    const schema = await deriveOne(deps, config, problems);
    if (schema) schemas.set(config.name, schema);
  }
  if (problems.length > 0)
    throw new NotionSyncError(
      'config_invalid',
      `init --from-table cannot derive a schema from the target tables:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
      { details: { problems } },
    );
  return {
    sources: deps.sources.map((s) => {
      const schema = schemas.get(s.name);
      return schema ? { ...s, schema } : s;
    }),
    selected: selected.map((s) => s.name),
  };
}
