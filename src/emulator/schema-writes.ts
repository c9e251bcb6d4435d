import { bodyValidationError, validationError } from './errors.ts';
import { normalizeId } from './ids.ts';
import { parsePropertySchema, type SchemaConfigResolver } from './properties/schema.ts';
import { findSchema } from './properties/values.ts';
import { isObject, plainText } from './rich-text.ts';
import type { DataSourceRecord, IntegrationRecord, JsonObject, PropertySchema } from './state.ts';
import type { Workspace } from './workspace.ts';

interface PendingDual {
  sourceProperty: PropertySchema;
  target: DataSourceRecord;
  syncedName: string | undefined;
}

function relationResolver(
  ws: Workspace,
  actor: IntegrationRecord,
  ds: DataSourceRecord,
  duals: PendingDual[],
  nameOf: () => string,
): SchemaConfigResolver {
  return (type, config, path) => {
    if (type === 'relation') {
      let targetId = normalizeId(config.data_source_id);
      if (!targetId && config.database_id !== undefined) {
        const db = ws.database(normalizeId(config.database_id) ?? '', actor);
        targetId = db.dataSourceIds[0];
      }
      if (!targetId) throw bodyValidationError(`${path}.data_source_id`, 'should be a valid uuid');
      const target = targetId === ds.id ? ds : ws.dataSource(targetId, actor);
      const dual = config.type === 'dual_property' || isObject(config.dual_property);
      const out: JsonObject = {
        database_id: target.databaseId,
        data_source_id: target.id,
        type: dual ? 'dual_property' : 'single_property',
      };
      if (dual) {
        const synced = isObject(config.dual_property) ? config.dual_property : {};
        out.dual_property = { synced_property_name: '', synced_property_id: '' };
        duals.push({
          sourceProperty: {
            id: '',
            name: nameOf(),
            type: 'relation',
            description: null,
            config: out,
          },
          target,
          syncedName:
            typeof synced.synced_property_name === 'string'
              ? synced.synced_property_name
              : undefined,
        });
      } else {
        out.single_property = {};
      }
      return out;
    }
    const relationKey = String(config.relation_property_id ?? config.relation_property_name ?? '');
    const relation = findSchema(ds, relationKey);
    if (relation?.type !== 'relation')
      throw validationError(`Rollup relation property not found: ${relationKey}.`);
    const target = ws.state.dataSources[String(relation.config.data_source_id)];
    const rollupKey = String(config.rollup_property_id ?? config.rollup_property_name ?? '');
    const rolled = target ? findSchema(target, rollupKey) : undefined;
    if (!rolled) throw validationError(`Rollup target property not found: ${rollupKey}.`);
    const fn = typeof config.function === 'string' ? config.function : 'show_original';
    return {
      rollup_property_name: rolled.name,
      relation_property_name: relation.name,
      rollup_property_id: rolled.id,
      relation_property_id: relation.id,
      function: fn,
    };
  };
}

function addProperty(ds: DataSourceRecord, schema: PropertySchema): void {
  if (!(schema.id in ds.properties)) ds.propertyOrder.push(schema.id);
  ds.properties[schema.id] = schema;
}

function completeDual(ds: DataSourceRecord, pending: PendingDual): void {
  const source = Object.values(ds.properties).find(
    (p) => p.config === pending.sourceProperty.config,
  );
  if (!source) return;
  const taken = new Set(Object.keys(pending.target.properties));
  let name =
    pending.syncedName ?? `Related to ${plainText(ds.title) || 'Untitled'} (${source.name})`;
  while (Object.values(pending.target.properties).some((p) => p.name === name)) name = `${name} 1`;
  const synced = parsePropertySchema(
    name,
    { relation: {} },
    undefined,
    taken,
    () => ({
      database_id: ds.databaseId,
      data_source_id: ds.id,
      type: 'dual_property',
      dual_property: { synced_property_name: source.name, synced_property_id: source.id },
    }),
    'synced',
  );
  addProperty(pending.target, synced);
  source.config.dual_property = {
    synced_property_name: synced.name,
    synced_property_id: synced.id,
  };
}

/**
 * Applies a request `properties` object to a data source schema: add, rename (`{name}`),
 * change type, delete (`null`). Rollups are resolved after the other properties of the request.
 */
export function applySchemaChanges(
  ws: Workspace,
  actor: IntegrationRecord,
  ds: DataSourceRecord,
  input: unknown,
  creating: boolean,
): string[] {
  const cleared: string[] = [];
  if (!isObject(input)) throw bodyValidationError('body.properties', 'should be an object');
  const entries = Object.entries(input);
  const ordered = [
    ...entries.filter(([, v]) => !(isObject(v) && 'rollup' in v)),
    ...entries.filter(([, v]) => isObject(v) && 'rollup' in v),
  ];
  const duals: PendingDual[] = [];
  for (const [key, value] of ordered) {
    const path = `body.properties.${key}`;
    const existing = creating ? undefined : findSchema(ds, key);
    if (value === null) {
      if (!existing) throw validationError(`${key} is not a property that exists.`);
      if (existing.type === 'title') throw validationError('Cannot delete the title property.');
      delete ds.properties[existing.id];
      ds.propertyOrder = ds.propertyOrder.filter((id) => id !== existing.id);
      cleared.push(existing.id);
      continue;
    }
    if (!isObject(value)) throw bodyValidationError(path, 'should be an object or `null`');
    const name =
      typeof value.name === 'string' && value.name !== '' ? value.name : (existing?.name ?? key);
    const clash = Object.values(ds.properties).find(
      (p) => p.name === name && p.id !== existing?.id,
    );
    if (clash) throw validationError(`A property named ${name} already exists.`);
    const onlyRename =
      existing && Object.keys(value).every((k) => k === 'name' || k === 'description');
    const taken = new Set(Object.keys(ds.properties));
    const schema = onlyRename
      ? {
          ...existing,
          name,
          description:
            typeof value.description === 'string' ? value.description : existing.description,
        }
      : parsePropertySchema(
          name,
          value,
          existing,
          taken,
          relationResolver(ws, actor, ds, duals, () => name),
          path,
        );
    if (
      schema.type === 'title' &&
      Object.values(ds.properties).some((p) => p.type === 'title' && p.name !== existing?.name)
    ) {
      if (existing?.type !== 'title')
        throw validationError('A data source can have only one title property.');
    }
    if (existing && existing.type !== schema.type) cleared.push(existing.id);
    addProperty(ds, schema);
  }
  if (!Object.values(ds.properties).some((p) => p.type === 'title')) {
    throw validationError('A data source must have exactly one title property.');
  }
  for (const pending of duals) completeDual(ds, pending);
  return cleared;
}

/**
 * Validates schema changes on a copy and commits them only when all are valid, so a bad
 * request leaves the data source untouched. Values of deleted or retyped properties are dropped.
 */
export function updateSchema(
  ws: Workspace,
  actor: IntegrationRecord,
  ds: DataSourceRecord,
  input: unknown,
): void {
  const draft: DataSourceRecord = {
    ...ds,
    properties: structuredClone(ds.properties),
    propertyOrder: [...ds.propertyOrder],
  };
  const cleared = applySchemaChanges(ws, actor, draft, input, false);
  ds.properties = draft.properties;
  ds.propertyOrder = draft.propertyOrder;
  for (const propertyId of cleared) {
    for (const rowId of ds.rowIds) delete ws.state.pages[rowId]?.properties[propertyId];
  }
}
