// Applying an init plan. Invariants: databases are created in dependency order (a relation is
// part of the create when its target exists; a relation closing a cycle is added by an update
// once both exist); an existing data source gets ONE update with all its steps (a rename keeps
// the property id); destructive steps are sent only with `force`; after each source the ids
// are recorded in the store, so applying the same declaration again plans nothing.
import type { SourceConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import {
  isAmbiguousWriteError,
  type NotionClient,
  type PropertySchema,
} from '../../notion/index.ts';
import { parseNotionId } from '../../shared/index.ts';
import type { Store } from '../store-api.ts';
import { findCreatedDatabase } from './created-database-lookup.ts';
import { type DeclaredProperty, declaredProperties, propertyBody } from './declared-properties.ts';
import { configuredIdOf, type LiveDatabase } from './init-plan.ts';
import type { InitStep, SourceInitPlan } from './init-types.ts';

export interface ApplyContext {
  notion: NotionClient;
  store: Store;
  force: boolean;
  /** Source name → its data source id (known or created during this apply). */
  targets: Map<string, string | null>;
  applied: InitStep[];
  skipped: InitStep[];
}

type UpdateBody = Parameters<NotionClient['dataSources']['update']>[0];
type CreateBody = Parameters<NotionClient['databases']['create']>[0];

/** Sources ordered so that a relation's target comes first where possible (cycles: any order). */
export function dependencyOrder(configs: SourceConfig[]): SourceConfig[] {
  const byName = new Map(configs.map((c) => [c.name, c]));
  const out: SourceConfig[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (config: SourceConfig) => {
    if (state.has(config.name)) return;
    state.set(config.name, 'visiting');
    for (const p of declaredProperties(config.schema ?? {})) {
      const target = p.relationSource ? byName.get(p.relationSource) : undefined;
      if (target && target !== config) visit(target);
    }
    state.set(config.name, 'done');
    out.push(config);
  };
  for (const config of configs) visit(config);
  return out;
}

/** A relation can be part of the create once its target exists (a self-relation never can). */
function relationReady(ctx: ApplyContext, property: DeclaredProperty): boolean {
  return property.type !== 'relation' || Boolean(ctx.targets.get(property.relationSource ?? ''));
}

type CreatedDatabase = { id: string; data_sources?: { id: string }[] };

/** Creates the database; after an ambiguous failure, adopts the one it may have made. */
async function createOrAdopt(
  ctx: ApplyContext,
  parent: string,
  title: string,
  properties: Record<string, unknown>,
): Promise<CreatedDatabase> {
  try {
    return (await ctx.notion.databases.create({
      parent: { type: 'page_id', page_id: parent },
      title: [{ type: 'text', text: { content: title } }],
      initial_data_source: { properties },
    } as CreateBody)) as CreatedDatabase;
  } catch (error) {
    if (!isAmbiguousWriteError(error)) throw error;
    const made = await findCreatedDatabase(ctx.notion, ctx.store, parent, title);
    if (!made) throw error;
    return (await ctx.notion.databases.retrieve({ database_id: made })) as CreatedDatabase;
  }
}

export async function createDatabase(
  ctx: ApplyContext,
  live: LiveDatabase,
  plan: SourceInitPlan,
): Promise<DeclaredProperty[]> {
  const config = live.config;
  const parent = parseNotionId(config.parent ?? '');
  if (!parent) {
    throw new NotionSyncError(
      'config_invalid',
      `Source "${config.name}" needs \`parent:\` (the Notion page to create its database under) for init to create it.`,
      { details: { source: config.name } },
    );
  }
  const declared = declaredProperties(config.schema ?? {});
  const now = declared.filter((p) => relationReady(ctx, p));
  const later = declared.filter((p) => !now.includes(p));
  const properties = Object.fromEntries(
    now.map((p) => [p.name, propertyBody(p, ctx.targets.get(p.relationSource ?? '') ?? undefined)]),
  );
  const db = await createOrAdopt(ctx, parent, config.name, properties);
  const dataSourceId = db.data_sources?.[0]?.id;
  if (!dataSourceId) {
    throw new NotionSyncError(
      'notion_bad_response',
      `Notion created database ${db.id} for source "${config.name}" but returned no data source.`,
      { details: { source: config.name, databaseId: db.id } },
    );
  }
  plan.databaseId = db.id;
  plan.dataSourceId = dataSourceId;
  ctx.targets.set(config.name, dataSourceId);
  ctx.applied.push(...plan.steps);
  return later;
}

/** One property's part of the update body, merged when several steps touch it. */
function patchFor(
  live: LiveDatabase,
  declared: DeclaredProperty | undefined,
  step: InitStep,
  ctx: ApplyContext,
): Record<string, unknown> | null {
  if (step.kind === 'remove_property') return null;
  if (!declared) return {};
  const current = Object.values(live.properties).find((p) => p.id === step.propertyId);
  const options = (current?.[current.type] as { options?: { id: string; name: string }[] })
    ?.options;
  const body = () =>
    propertyBody(declared, ctx.targets.get(declared.relationSource ?? '') ?? undefined, options);
  switch (step.kind) {
    case 'rename_property':
      return { name: declared.name };
    case 'add_property':
    case 'change_type':
    case 'change_options':
    case 'change_format':
    case 'change_relation':
    case 'change_expression':
      return body();
    default:
      return {};
  }
}

function updateBody(
  ctx: ApplyContext,
  live: LiveDatabase,
  steps: InitStep[],
  deferred: DeclaredProperty[],
): Record<string, Record<string, unknown> | null> {
  const declared = new Map(declaredProperties(live.config.schema ?? {}).map((p) => [p.name, p]));
  const body: Record<string, Record<string, unknown> | null> = {};
  for (const s of steps) {
    const key = s.propertyId ?? s.property ?? '';
    const patch = patchFor(live, s.property ? declared.get(s.property) : undefined, s, ctx);
    body[key] = patch === null ? null : { ...(body[key] ?? {}), ...patch };
  }
  for (const p of deferred) {
    body[p.name] = propertyBody(p, ctx.targets.get(p.relationSource ?? '') ?? undefined);
  }
  return body;
}

/** Sends one source's property steps (and relations deferred from its creation) in one update. */
export async function updateDatabase(
  ctx: ApplyContext,
  live: LiveDatabase,
  plan: SourceInitPlan,
  deferred: DeclaredProperty[],
): Promise<void> {
  const steps = plan.steps.filter((s) => s.kind !== 'create_database');
  const allowed = steps.filter((s) => ctx.force || !s.destructive);
  ctx.skipped.push(...steps.filter((s) => !allowed.includes(s)));
  if (allowed.length === 0 && deferred.length === 0) return;
  await ctx.notion.dataSources.update({
    data_source_id: plan.dataSourceId!,
    properties: updateBody(ctx, live, allowed, deferred),
  } as UpdateBody);
  ctx.applied.push(...allowed);
}

/** Records the data source and the ids of its declared properties (matched by name now). */
export async function recordDatabase(
  ctx: ApplyContext,
  live: LiveDatabase,
  plan: SourceInitPlan,
): Promise<void> {
  const ds = (await ctx.notion.dataSources.retrieve({
    data_source_id: plan.dataSourceId!,
  })) as unknown as {
    properties: Record<string, PropertySchema>;
    parent?: { database_id?: string };
  };
  const propertyIds: Record<string, string> = {};
  for (const p of declaredProperties(live.config.schema ?? {})) {
    const found =
      p.type === 'title'
        ? Object.values(ds.properties).find((x) => x.type === 'title')
        : ds.properties[p.name];
    if (found) propertyIds[p.name] = found.id;
  }
  await ctx.store.declared.record({
    sourceName: live.config.name,
    databaseId: plan.databaseId ?? ds.parent?.database_id ?? plan.dataSourceId!,
    dataSourceId: plan.dataSourceId!,
    configuredId: configuredIdOf(live.config),
    propertyIds,
  });
}
