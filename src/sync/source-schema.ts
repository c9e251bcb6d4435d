// The schema snapshot of a data source source: Notion's properties keyed by their stable id, so
// a renamed property keeps its identity, its history and its view column (which follows the new
// name unless the config pins a column). `properties:` in the config selects (list) or selects
// and renames (map) columns; names that match nothing are reported, never silently dropped.
import type { SourceConfig } from '../config/index.ts';
import type { PropertySchema } from '../notion/index.ts';
import type { SchemaProperty, SourceSchema } from './store-api.ts';

export interface SchemaSelection {
  schema: SourceSchema;
  /** Configured names that match no property of the data source. */
  unknownNames: string[];
}

/** The option names of a status property (what `set` checks before Notion would refuse). */
function statusOptions(property: PropertySchema): string[] | undefined {
  if (property.type !== 'status') return undefined;
  const config = property.status as { options?: { name?: unknown }[] } | undefined;
  return Array.isArray(config?.options)
    ? config.options.map((o) => String(o.name ?? ''))
    : undefined;
}

/** Builds the stored snapshot from Notion's properties and the source's `properties` option. */
export function buildSourceSchema(
  properties: Record<string, PropertySchema>,
  selection: SourceConfig['properties'],
): SchemaSelection {
  const wanted =
    selection === undefined
      ? undefined
      : Array.isArray(selection)
        ? Object.fromEntries(selection.map((n) => [n, undefined]))
        : selection;
  const out: Record<string, SchemaProperty> = {};
  const matched = new Set<string>();
  for (const [name, property] of Object.entries(properties)) {
    const key =
      wanted === undefined ? name : [name, property.id].find((k) => Object.hasOwn(wanted, k));
    if (key === undefined) continue;
    matched.add(key);
    const column = wanted?.[key];
    const options = statusOptions(property);
    out[property.id] = {
      id: property.id,
      name,
      type: property.type,
      ...(column ? { column } : {}),
      ...(options ? { options } : {}),
    };
  }
  const unknownNames =
    wanted === undefined ? [] : Object.keys(wanted).filter((k) => !matched.has(k));
  return { schema: { properties: out }, unknownNames };
}

/** The schema of a page-tree source: every page has just its title. */
export const PAGE_TREE_SCHEMA: SourceSchema = {
  properties: { title: { id: 'title', name: 'title', type: 'title' } },
};
