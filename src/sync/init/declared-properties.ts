// A source's declared `schema:` in one normalized shape, and the Notion request body of each
// declared property. Pure: no Notion calls, no store.
import {
  bookkeepingOf,
  type DeclarableType,
  type DeclaredSchemaInput,
  type SourceConfig,
} from '../../config/index.ts';
import { DEFAULT_SYNC_KEY_PROPERTY } from '../push/push-types.ts';

export interface DeclaredProperty {
  name: string;
  type: DeclarableType;
  options?: string[];
  format?: string;
  /** relation: the declared source it points at. */
  relationSource?: string;
  expression?: string;
  renamedFrom?: string;
}

export function declaredProperties(schema: DeclaredSchemaInput): DeclaredProperty[] {
  return Object.entries(schema).map(([name, input]) => {
    if (typeof input === 'string') return { name, type: input };
    const out: DeclaredProperty = { name, type: input.type };
    if (input.options) out.options = input.options;
    if (input.format) out.format = input.format;
    if (input.source) out.relationSource = input.source;
    if (input.expression) out.expression = input.expression;
    if (input.renamedFrom) out.renamedFrom = input.renamedFrom;
    return out;
  });
}

/**
 * Properties the engine itself manages on a source: never drift, never dropped by `init`
 * (the sync key of pushed creates; a SQL table target's bookkeeping properties).
 */
export function managedPropertyNames(config: SourceConfig): Set<string> {
  const bookkeeping = bookkeepingOf(config.target);
  return new Set(
    [
      config.syncKeyProperty ?? DEFAULT_SYNC_KEY_PROPERTY,
      bookkeeping?.lastSynced,
      bookkeeping?.syncStatus,
    ].filter((name): name is string => name !== undefined),
  );
}

/** Option objects for a select/multi_select/status body, keeping the ids of existing ones. */
function optionsBody(names: string[], existing: { id?: string; name: string }[] = []) {
  return names.map((name) => {
    const same = existing.find((o) => o.name === name);
    return same?.id ? { id: same.id, name } : { name };
  });
}

/**
 * The Notion body of a declared property (`{ number: { format } }`, …). `relationTarget` is the
 * data source id of the related source; `existingOptions` keeps option ids on an update.
 */
export function propertyBody(
  property: DeclaredProperty,
  relationTarget?: string,
  existingOptions?: { id?: string; name: string }[],
): Record<string, unknown> {
  switch (property.type) {
    case 'number':
      return { number: { format: property.format ?? 'number' } };
    case 'select':
    case 'multi_select':
    case 'status':
      return property.options
        ? { [property.type]: { options: optionsBody(property.options, existingOptions) } }
        : { [property.type]: {} };
    case 'relation':
      return {
        relation: { data_source_id: relationTarget, type: 'single_property', single_property: {} },
      };
    case 'formula':
      return { formula: { expression: property.expression } };
    case 'unique_id':
      return { unique_id: { prefix: null } };
    default:
      return { [property.type]: {} };
  }
}

/** Type changes Notion converts without losing values (anything becomes text). */
export function isLosslessTypeChange(from: string, to: string): boolean {
  if (to === 'rich_text' || to === 'title') return true;
  if (from === 'select' && to === 'multi_select') return true;
  if ((from === 'url' || from === 'email' || from === 'phone_number') && to === 'rich_text')
    return true;
  return false;
}
