// The plan of `notion-sync init`: the declared schema of each source compared with its live data
// source. Invariants: a property is matched by its recorded Notion id once init knows it, by
// name before, and by `renamedFrom` for a declared rename — so a rename is always a rename
// (same property id, values kept), never a drop and re-create; the one title property always
// matches the declared title; properties the engine manages are never drift; nothing here writes.
import type { SourceConfig } from '../../config/index.ts';
import { isNotionApiError, type NotionClient, type PropertySchema } from '../../notion/index.ts';
import { parseNotionId } from '../../shared/index.ts';
import { resolveSource } from '../resolve-source.ts';
import type { Store } from '../store-api.ts';
import {
  type DeclaredProperty,
  declaredProperties,
  isLosslessTypeChange,
  managedPropertyNames,
} from './declared-properties.ts';
import type { InitStep, SourceInitPlan } from './init-types.ts';

/** A declared source as it stands in Notion. */
export interface LiveDatabase {
  config: SourceConfig;
  state: SourceInitPlan['state'];
  databaseId: string | null;
  dataSourceId: string | null;
  /** Live properties by name (Notion's shape). */
  properties: Record<string, PropertySchema>;
  /** Declared name → property id recorded by an earlier init. */
  recordedIds: Record<string, string>;
}

/** The id the config names (`database:` or `dataSource:`), or null for a `schema:`-only source. */
export function configuredIdOf(config: SourceConfig): string | null {
  const raw = config.dataSource ?? config.database;
  return raw ? (parseNotionId(raw) ?? null) : null;
}

const isNotFound = (error: unknown) =>
  (isNotionApiError(error) && error.code === 'notion_not_found') ||
  (error instanceof Error && 'code' in error && error.code === 'source_not_found');

async function retrieveLive(
  notion: NotionClient,
  dataSourceId: string,
): Promise<{ databaseId: string | null; properties: Record<string, PropertySchema> }> {
  const ds = (await notion.dataSources.retrieve({ data_source_id: dataSourceId })) as unknown as {
    parent?: { database_id?: string };
    properties: Record<string, PropertySchema>;
    in_trash?: boolean;
  };
  if (ds.in_trash) throw Object.assign(new Error('in trash'), { code: 'source_not_found' });
  return { databaseId: ds.parent?.database_id ?? null, properties: ds.properties };
}

/** Finds the live database of a declared source: recorded by init, configured, or none. */
export async function locateDatabase(
  notion: NotionClient,
  store: Store,
  config: SourceConfig,
): Promise<LiveDatabase> {
  const configured = configuredIdOf(config);
  const recorded = await store.declared.get(config.name);
  const base = { config, properties: {}, recordedIds: recorded?.propertyIds ?? {} };
  try {
    if (recorded && recorded.configuredId === configured) {
      const live = await retrieveLive(notion, recorded.dataSourceId);
      return { ...base, ...live, state: 'exists', dataSourceId: recorded.dataSourceId };
    }
    if (configured) {
      const resolved = await resolveSource(notion, config);
      if (resolved.kind !== 'data_source') throw new Error('page tree');
      return {
        ...base,
        state: 'exists',
        databaseId: resolved.databaseId,
        dataSourceId: resolved.notionId,
        properties: resolved.properties,
      };
    }
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return { ...base, state: 'gone', databaseId: null, dataSourceId: null };
  }
  return { ...base, state: 'missing', databaseId: null, dataSourceId: null };
}

function optionNames(property: PropertySchema): string[] {
  const config = property[property.type] as { options?: { name: string }[] } | undefined;
  return (config?.options ?? []).map((o) => o.name);
}

function matchLive(live: LiveDatabase, declared: DeclaredProperty): PropertySchema | undefined {
  const all = Object.values(live.properties);
  if (declared.type === 'title') return all.find((p) => p.type === 'title');
  const ids = [live.recordedIds[declared.name], live.recordedIds[declared.renamedFrom ?? '']];
  for (const id of ids) {
    const byId = id ? all.find((p) => p.id === id) : undefined;
    if (byId) return byId;
  }
  return live.properties[declared.name] ?? live.properties[declared.renamedFrom ?? ''];
}

function step(
  live: LiveDatabase,
  kind: InitStep['kind'],
  property: string,
  fields: Pick<InitStep, 'detail' | 'effect'> & { propertyId?: string; destructive?: boolean },
): InitStep {
  return {
    kind,
    source: live.config.name,
    property,
    ...(fields.propertyId ? { propertyId: fields.propertyId } : {}),
    detail: fields.detail,
    effect: fields.effect,
    destructive: fields.destructive ?? false,
  };
}

function optionsStep(live: LiveDatabase, declared: DeclaredProperty, current: PropertySchema) {
  if (!declared.options) return [];
  const have = optionNames(current);
  const added = declared.options.filter((o) => !have.includes(o));
  const removed = have.filter((o) => !declared.options!.includes(o));
  if (added.length === 0 && removed.length === 0) return [];
  const detail = [
    added.length > 0 ? `add options ${added.join(', ')}` : '',
    removed.length > 0 ? `remove options ${removed.join(', ')}` : '',
  ].filter(Boolean);
  return [
    step(live, 'change_options', declared.name, {
      propertyId: current.id,
      detail: detail.join('; '),
      effect:
        removed.length > 0
          ? `pages set to ${removed.join(', ')} lose that value`
          : 'existing values kept',
      destructive: removed.length > 0,
    }),
  ];
}

function formatStep(live: LiveDatabase, declared: DeclaredProperty, current: PropertySchema) {
  if (declared.type !== 'number') return [];
  const format = (current.number as { format?: string } | undefined)?.format ?? 'number';
  const wanted = declared.format ?? 'number';
  if (format === wanted) return [];
  return [
    step(live, 'change_format', declared.name, {
      propertyId: current.id,
      detail: `number format ${format} → ${wanted}`,
      effect: 'values kept (only their display changes)',
    }),
  ];
}

function relationStep(
  live: LiveDatabase,
  declared: DeclaredProperty,
  current: PropertySchema,
  relationTargets: Map<string, string | null>,
) {
  if (declared.type !== 'relation') return [];
  const target = relationTargets.get(declared.relationSource ?? '');
  const now = (current.relation as { data_source_id?: string } | undefined)?.data_source_id;
  if (!target || !now || target === now) return [];
  return [
    step(live, 'change_relation', declared.name, {
      propertyId: current.id,
      detail: `point the relation at source "${declared.relationSource}"`,
      effect: 'existing links are cleared',
      destructive: true,
    }),
  ];
}

function expressionStep(live: LiveDatabase, declared: DeclaredProperty, current: PropertySchema) {
  if (declared.type !== 'formula') return [];
  const now = (current.formula as { expression?: string } | undefined)?.expression;
  if (now === undefined || now === declared.expression) return [];
  return [
    step(live, 'change_expression', declared.name, {
      propertyId: current.id,
      detail: `formula ${now} → ${declared.expression}`,
      effect: 'values are computed again by Notion',
    }),
  ];
}

function compareProperty(
  live: LiveDatabase,
  declared: DeclaredProperty,
  current: PropertySchema,
  relationTargets: Map<string, string | null>,
): InitStep[] {
  const out: InitStep[] = [];
  if (current.name !== declared.name) {
    out.push(
      step(live, 'rename_property', declared.name, {
        propertyId: current.id,
        detail: `rename "${current.name}" → "${declared.name}"`,
        effect: 'values kept (same property id)',
      }),
    );
  }
  if (current.type !== declared.type) {
    const lossless = isLosslessTypeChange(current.type, declared.type);
    out.push(
      step(live, 'change_type', declared.name, {
        propertyId: current.id,
        detail: `change type ${current.type} → ${declared.type}`,
        effect: lossless
          ? 'values converted to the new type'
          : 'values Notion cannot convert are cleared',
        destructive: !lossless,
      }),
    );
    return out;
  }
  return [
    ...out,
    ...optionsStep(live, declared, current),
    ...formatStep(live, declared, current),
    ...relationStep(live, declared, current, relationTargets),
    ...expressionStep(live, declared, current),
  ];
}

function createStep(live: LiveDatabase, declared: DeclaredProperty[]): InitStep {
  return {
    kind: 'create_database',
    source: live.config.name,
    detail: `create database "${live.config.name}" with ${declared.map((p) => `${p.name} (${p.type})`).join(', ')}`,
    effect:
      live.state === 'gone'
        ? 'the database the source pointed at is gone (404); a new, empty one is created and the source is rebound to it (its old history is kept, detached)'
        : 'a new, empty database',
    destructive: false,
  };
}

/** Live properties neither declared nor managed by the engine: drift, removed only with force. */
function removalSteps(live: LiveDatabase, matched: Set<string>): InitStep[] {
  const managed = managedPropertyNames(live.config);
  return Object.entries(live.properties)
    .filter(([name, property]) => !matched.has(property.id) && !managed.has(name))
    .map(([name, property]) =>
      step(live, 'remove_property', name, {
        propertyId: property.id,
        detail: `remove ${name} (${property.type}), not in the declaration`,
        effect: 'its values are deleted from every page',
        destructive: true,
      }),
    );
}

/** The steps that bring one live database to its declaration. */
export function planSource(
  live: LiveDatabase,
  relationTargets: Map<string, string | null>,
): SourceInitPlan {
  const declared = declaredProperties(live.config.schema ?? {});
  const plan: SourceInitPlan = {
    source: live.config.name,
    state: live.state,
    databaseId: live.databaseId,
    dataSourceId: live.dataSourceId,
    steps: [],
  };
  if (live.state !== 'exists') {
    plan.steps.push(createStep(live, declared));
    return plan;
  }
  const matched = new Set<string>();
  for (const property of declared) {
    const current = matchLive(live, property);
    if (current) {
      matched.add(current.id);
      plan.steps.push(...compareProperty(live, property, current, relationTargets));
    } else {
      plan.steps.push(
        step(live, 'add_property', property.name, {
          detail: `add ${property.name} (${property.type})`,
          effect: 'empty on existing pages',
        }),
      );
    }
  }
  plan.steps.push(...removalSteps(live, matched));
  return plan;
}
