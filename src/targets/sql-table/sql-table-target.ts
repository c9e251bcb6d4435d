// A user's own SQL table as a source's target (DESIGN.md §5 Targets): the table lives in the
// store's database, or in the one whose URL the environment variable `urlEnv` names (read by the
// caller: library code never reads process.env). The table is never altered — no triggers, no
// columns: change capture compares each row's normalized hash with the one remembered per record.
import type { TableTargetConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { Source, SqlConnection, Store } from '../../store/index.ts';
import type { Target, TargetInput, TargetProblem } from '../target.ts';
import { planTable, type TablePlan } from './column-mapping.ts';
import { loadRelationKeys, type PeerTable } from './relation-keys.ts';
import { createTableAccess } from './table-access.ts';
import { readTableCatalog, splitTableName } from './table-catalog.ts';
import { exportTable } from './table-export.ts';
import { scanTable } from './table-scan.ts';

export interface SqlTableTargetOptions {
  config: TableTargetConfig;
  /** Config key path of the target, for messages (`sources[1].target`). */
  path: string;
  store: Store;
  /** The table's database when it is not the store's (opened from `urlEnv`); closed with the target. */
  connection?: SqlConnection | null;
  /** Name of the source's sync key property (it holds the key column's value). */
  keyPropertyName: string;
  /** Every source kept in a table (this one included), to resolve foreign keys. */
  peers: { sourceName: string; table: string; urlEnv?: string | undefined }[];
}

/** The table name as the catalog of `dialect` qualifies it. */
export function qualifiedTable(dialect: Store['dialect'], table: string): string {
  const { schema, table: name } = splitTableName(dialect, table);
  return schema ? `${schema}.${name}` : name;
}

export function createSqlTableTarget(options: SqlTableTargetOptions): Target {
  const { config, store } = options;
  const access = createTableAccess(store, options.connection ?? null);
  const peers: PeerTable[] = options.peers
    .filter((p) => (p.urlEnv ?? null) === (config.urlEnv ?? null))
    .map((p) => ({ sourceName: p.sourceName, table: qualifiedTable(access.dialect, p.table) }));

  async function plan(
    source: Source,
  ): Promise<{ plan: TablePlan | null; problems: TargetProblem[] }> {
    const catalog = await readTableCatalog(access.reader(), access.dialect, config.table);
    return planTable({
      config,
      path: options.path,
      source,
      catalog,
      keyPropertyName: options.keyPropertyName,
      targetTables: new Set(peers.map((p) => p.table)),
    });
  }

  async function requirePlan(source: Source): Promise<TablePlan> {
    const { plan: found, problems } = await plan(source);
    if (found) return found;
    throw new NotionSyncError(
      'config_invalid',
      `The target of source "${source.name}" does not fit its table:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
      { details: { source: source.name, problems } },
    );
  }

  /** What a scan and an export share: the table's access, its plan and the relation keys. */
  async function contextFor(source: Source) {
    const tablePlan = await requirePlan(source);
    const tables = new Set(
      tablePlan.columns.flatMap((m) => (m.relation ? [m.relation.table] : [])),
    );
    return { access, plan: tablePlan, relations: await loadRelationKeys(store, peers, tables) };
  }

  return {
    kind: 'sql-table',
    check: async (source) => (await plan(source)).problems,
    async dependencies(source) {
      const tablePlan = await requirePlan(source);
      const tables = new Set(
        tablePlan.columns.flatMap((m) => (m.relation ? [m.relation.table] : [])),
      );
      return peers
        .filter((p) => tables.has(p.table) && p.sourceName !== source.name)
        .map((p) => p.sourceName);
    },
    async scan(input: TargetInput) {
      const ctx = await contextFor(input.source);
      const cursor = ctx.plan.updatedAt ? await store.targets.readCursor(input.source.id) : null;
      const onLocalDelete = config.onLocalDelete ?? 'trash';
      return scanTable(
        { ...ctx, onLocalDelete, cursor },
        input,
        await store.targets.list(input.source.id),
      );
    },
    async export(input: TargetInput) {
      const ctx = await contextFor(input.source);
      const onNotionDelete = config.onNotionDelete ?? 'delete';
      return exportTable(
        { ...ctx, onNotionDelete, sourceId: input.source.id },
        input,
        await store.targets.list(input.source.id),
      );
    },
    close: () => access.close(),
  };
}
