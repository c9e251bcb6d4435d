import { plainText } from '../rich-text.ts';
import type {
  DataSourceRecord,
  JsonObject,
  JsonValue,
  PageRecord,
  PropertySchema,
} from '../state.ts';
import { formatMinuteTime } from '../time.ts';
import type { Workspace } from '../workspace.ts';
import { evaluateFormula, type FormulaType, type FormulaValue } from './formula.ts';
import { computeRollup } from './rollup.ts';

/** Page objects show at most this many references per property (notion-api.md §4.5). */
export const PAGE_REFERENCE_LIMIT = 25;
const MAX_DEPTH = 4;

export function renderUser(ws: Workspace, id: string): JsonObject {
  const user = ws.state.users[id];
  if (!user) return { object: 'user', id };
  const base: JsonObject = {
    object: 'user',
    id,
    name: user.name,
    avatar_url: user.avatarUrl,
    type: user.type,
  };
  if (user.type === 'person') base.person = { email: user.email ?? null };
  else base.bot = {};
  return base;
}

function renderOption(schema: PropertySchema, id: JsonValue): JsonValue {
  if (id === null || id === undefined) return null;
  const option = ((schema.config.options ?? []) as JsonObject[]).find((o) => o.id === id);
  return option
    ? { id: option.id ?? null, name: option.name ?? null, color: option.color ?? null }
    : null;
}

function idList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function truncateMentions(items: JsonValue[]): JsonValue[] {
  let mentions = 0;
  return items.filter((item) => {
    if ((item as JsonObject).type !== 'mention') return true;
    mentions += 1;
    return mentions <= PAGE_REFERENCE_LIMIT;
  });
}

export interface RenderOptions {
  /** Apply the 25-reference limit of page objects. */
  truncate: boolean;
  depth?: number;
}

/**
 * The value part of a property (what sits under its type key), computed for formulas, rollups,
 * timestamps and unique ids.
 */
export function computeValue(
  ws: Workspace,
  page: PageRecord,
  schema: PropertySchema,
  options: RenderOptions,
): JsonValue {
  const stored = page.properties[schema.id];
  const depth = options.depth ?? 0;
  switch (schema.type) {
    case 'title':
    case 'rich_text': {
      const items = Array.isArray(stored) ? stored : [];
      return options.truncate ? truncateMentions(items) : items;
    }
    case 'select':
    case 'status':
      return renderOption(schema, stored ?? null);
    case 'multi_select':
      return idList(stored)
        .map((id) => renderOption(schema, id))
        .filter((o) => o !== null);
    case 'people': {
      const ids = idList(stored);
      return (options.truncate ? ids.slice(0, PAGE_REFERENCE_LIMIT) : ids).map((id) =>
        renderUser(ws, id),
      );
    }
    case 'relation': {
      // Pages deleted for good (emptied trash) drop out of relations.
      const ids = idList(stored).filter((id) => id in ws.state.pages);
      return (options.truncate ? ids.slice(0, PAGE_REFERENCE_LIMIT) : ids).map((id) => ({ id }));
    }
    case 'checkbox':
      return stored === true;
    case 'files':
      return Array.isArray(stored) ? stored : [];
    case 'created_time':
      return formatMinuteTime(page.createdTime);
    case 'last_edited_time':
      return formatMinuteTime(page.lastEditedTime);
    case 'created_by':
      return renderUser(ws, page.createdBy);
    case 'last_edited_by':
      return renderUser(ws, page.lastEditedBy);
    case 'unique_id': {
      const prefix = (schema.config.prefix as string | null | undefined) ?? null;
      return { prefix, number: typeof stored === 'number' ? stored : null };
    }
    case 'formula':
      return renderFormula(ws, page, schema, depth);
    case 'rollup':
      return depth > MAX_DEPTH
        ? { type: 'incomplete', incomplete: {}, function: String(schema.config.function) }
        : computeRollup(ws, page, schema, depth, options.truncate);
    case 'button':
      return {};
    default:
      return stored ?? null;
  }
}

function formulaTypeOf(
  ws: Workspace,
  page: PageRecord,
  schema: PropertySchema,
  depth: number,
): { type: FormulaType; value: FormulaValue } {
  const value = computeValue(ws, page, schema, { truncate: false, depth: depth + 1 });
  switch (schema.type) {
    case 'number':
      return { type: 'number', value: typeof value === 'number' ? value : null };
    case 'unique_id':
      return { type: 'number', value: (value as { number: number | null }).number };
    case 'checkbox':
      return { type: 'boolean', value: value === true };
    case 'date':
      return {
        type: 'date',
        value: value === null ? null : { date: String((value as JsonObject).start) },
      };
    case 'created_time':
    case 'last_edited_time':
      return { type: 'date', value: { date: String(value) } };
    case 'select':
    case 'status':
      return { type: 'string', value: value === null ? null : String((value as JsonObject).name) };
    case 'formula': {
      const f = value as JsonObject;
      const t = f.type as FormulaType;
      const v = f[t] ?? null;
      return {
        type: t,
        value:
          t === 'date' && v !== null
            ? { date: String((v as JsonObject).start) }
            : (v as FormulaValue),
      };
    }
    case 'rollup': {
      const r = value as JsonObject;
      return r.type === 'number'
        ? { type: 'number', value: (r.number as number | null) ?? null }
        : { type: 'string', value: null };
    }
    case 'title':
    case 'rich_text':
      return { type: 'string', value: plainText(value) };
    case 'multi_select':
      return { type: 'string', value: (value as JsonObject[]).map((o) => o.name).join(',') };
    case 'url':
    case 'email':
    case 'phone_number':
      return { type: 'string', value: (value as string | null) ?? null };
    default:
      return { type: 'string', value: null };
  }
}

function renderFormula(
  ws: Workspace,
  page: PageRecord,
  schema: PropertySchema,
  depth: number,
): JsonValue {
  const ds = dataSourceOf(ws, page);
  const expression = String(schema.config.expression ?? '');
  const result =
    depth > MAX_DEPTH || !ds
      ? { type: 'string' as const, value: null }
      : evaluateFormula(expression, {
          prop: (name) => {
            const target = Object.values(ds.properties).find((p) => p.name === name);
            if (!target || target.id === schema.id) return undefined;
            return formulaTypeOf(ws, page, target, depth);
          },
        });
  const value = result.value;
  if (result.type === 'date') {
    return {
      type: 'date',
      date:
        value === null
          ? null
          : { start: (value as { date: string }).date, end: null, time_zone: null },
    };
  }
  return { type: result.type, [result.type]: value as JsonValue };
}

export function dataSourceOf(ws: Workspace, page: PageRecord): DataSourceRecord | undefined {
  return page.parent.type === 'data_source_id' ? ws.state.dataSources[page.parent.id] : undefined;
}

/** `{id, type, <type>: value}` as in page objects (relation also gets `has_more`). */
export function renderPropertyValue(
  ws: Workspace,
  page: PageRecord,
  schema: PropertySchema,
  options: RenderOptions,
): JsonObject {
  const value = computeValue(ws, page, schema, options);
  const out: JsonObject = { id: schema.id, type: schema.type, [schema.type]: value };
  if (schema.type === 'relation') {
    out.has_more =
      options.truncate && idList(page.properties[schema.id]).length > PAGE_REFERENCE_LIMIT;
  }
  return out;
}
