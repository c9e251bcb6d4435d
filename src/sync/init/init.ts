// `engine.init`: plan, then (unless `plan`) apply the declared schemas of the selected sources.
// Invariants: planning only reads Notion; applying creates databases in dependency order and
// records every created id in the store (never in the user's config); a database created again
// because the old one is gone (404) is an explicit rebind of the source; applying the same
// declaration twice changes nothing the second time.
import { declaresTitle, isTableTarget, type SourceConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { NotionClient } from '../../notion/index.ts';
import { DEFAULT_CONNECTION } from '../connections/connection-clients.ts';
import type { Store } from '../store-api.ts';
import { findConfiguredSource } from '../unknown-source.ts';
import { type TableDeps, withTableSchemas } from './from-table.ts';
import {
  type ApplyContext,
  createDatabase,
  dependencyOrder,
  recordDatabase,
  updateDatabase,
} from './init-apply.ts';
import { type LiveDatabase, locateDatabase, planSource } from './init-plan.ts';
import type { InitOptions, InitPlan, InitResult } from './init-types.ts';

export interface InitEnvironment {
  store: Store;
  notion: NotionClient;
  /** Detaches the old history of a source whose database init created again (a rebind). */
  rebind?: (sourceName: string) => Promise<unknown>;
  /** Where the sources' target tables are read from (`init --from-table`). */
  tables?: Omit<TableDeps, 'sources'>;
}

/**
 * The one connection `init` creates and alters databases through: that of the named sources (of
 * every source that declares a schema or a table target when none is named). Sources of several
 * connections are refused — their databases live in different workspaces.
 */
export function initConnection(all: SourceConfig[], names: string[] = []): string | undefined {
  const candidates =
    names.length > 0
      ? all.filter((s) => names.includes(s.name))
      : all.filter((s) => s.schema || isTableTarget(s.target));
  const connections = [...new Set(candidates.map((s) => s.connection ?? DEFAULT_CONNECTION))];
  if (connections.length > 1)
    throw new NotionSyncError(
      'usage',
      `init works through one connection at a time, and these sources use ${connections.map((c) => `"${c}"`).join(', ')}: name the sources of one connection, e.g. \`notion-sync init ${candidates
        .filter((s) => (s.connection ?? DEFAULT_CONNECTION) === connections[0])
        .map((s) => s.name)
        .join(' ')}\`.`,
      { details: { connections } },
    );
  return connections[0];
}

/** The sources `init` works on: the named ones (which must declare a schema), or every declaring one. */
export function selectDeclaredSources(all: SourceConfig[], names: string[] = []): SourceConfig[] {
  const selected = names.length === 0 ? all.filter((s) => s.schema) : named(all, names);
  for (const config of selected)
    if (!declaresTitle(config.schema!))
      throw new NotionSyncError(
        'usage',
        `Source "${config.name}" declares no title property: its schema is completed from its table by \`notion-sync init --from-table\` (or declare one, e.g. \`Name: title\`).`,
        { details: { source: config.name } },
      );
  return selected;
}

function named(all: SourceConfig[], names: string[]): SourceConfig[] {
  return names.map((name) => {
    const config = findConfiguredSource(all, name);
    if (!config.schema) {
      throw new NotionSyncError(
        'usage',
        `Source "${name}" declares no \`schema:\`, so init has nothing to compare; add its properties under \`schema:\` in the config.`,
        { details: { source: name } },
      );
    }
    return config;
  });
}

async function planAll(
  env: InitEnvironment,
  configs: SourceConfig[],
): Promise<{ plan: InitPlan; lives: Map<string, LiveDatabase> }> {
  const lives = new Map<string, LiveDatabase>();
  for (const config of configs)
    lives.set(config.name, await locateDatabase(env.notion, env.store, config));
  const targets = new Map([...lives].map(([name, live]) => [name, live.dataSourceId]));
  const sources = configs.map((c) => planSource(lives.get(c.name)!, targets));
  const steps = sources.flatMap((s) => s.steps);
  return {
    plan: {
      sources,
      changes: steps.filter((s) => !s.destructive),
      destructive: steps.filter((s) => s.destructive),
    },
    lives,
  };
}

/**
 * Plans (and unless `plan`, applies) the declared schemas. `sources` are all configured sources
 * (relations may point at any of them); `names` selects the ones to work on.
 */
export async function runInit(
  env: InitEnvironment,
  sources: SourceConfig[],
  names: string[] | undefined,
  options: InitOptions = {},
): Promise<InitResult> {
  let schemas: InitResult['schemas'];
  if (options.fromTable) {
    if (!env.tables)
      throw new NotionSyncError(
        'usage',
        'init --from-table needs the engine to read the target tables.',
      );
    const derived = await withTableSchemas({ ...env.tables, sources }, names);
    sources = derived.sources;
    names = derived.selected;
    schemas = Object.fromEntries(
      sources.filter((s) => names!.includes(s.name)).map((s) => [s.name, s.schema!]),
    );
  }
  const selected = dependencyOrder(selectDeclaredSources(sources, names));
  const { plan, lives } = await planAll(env, selected);
  const result: InitResult = { plan, applied: false, appliedSteps: [], skipped: [], rebound: [] };
  if (schemas) result.schemas = schemas;
  if (options.plan) return result;
  const ctx: ApplyContext = {
    notion: env.notion,
    store: env.store,
    force: options.force === true,
    targets: new Map([...lives].map(([name, live]) => [name, live.dataSourceId])),
    applied: result.appliedSteps,
    skipped: result.skipped,
  };
  // Sources outside the selection may still be relation targets: their recorded ids count.
  for (const declared of await env.store.declared.list())
    if (!ctx.targets.get(declared.sourceName))
      ctx.targets.set(declared.sourceName, declared.dataSourceId);
  const deferred = new Map<string, Awaited<ReturnType<typeof createDatabase>>>();
  for (const sourcePlan of plan.sources) {
    const live = lives.get(sourcePlan.source)!;
    if (live.state === 'exists') continue;
    // Rebind first: a refused rebind (a run in progress) must not leave an unrecorded database.
    if (live.state === 'gone') {
      await env.rebind?.(sourcePlan.source);
      result.rebound.push(sourcePlan.source);
    }
    deferred.set(sourcePlan.source, await createDatabase(ctx, live, sourcePlan));
    await recordDatabase(ctx, live, sourcePlan);
  }
  for (const sourcePlan of plan.sources) {
    const live = lives.get(sourcePlan.source)!;
    const later = deferred.get(sourcePlan.source) ?? [];
    if (live.state !== 'exists' && later.length === 0) continue;
    const steps = live.state === 'exists' ? sourcePlan : { ...sourcePlan, steps: [] };
    await updateDatabase(ctx, live, steps, later);
    await recordDatabase(ctx, live, sourcePlan);
  }
  result.applied = true;
  return result;
}
