import type { PageObjectResponse, PropertyItemObjectResponse } from '@notionhq/client';
import type { NotionApi } from './notion-api.ts';
import { iterateListPages } from './pagination.ts';
import {
  type DecodedProperty,
  decodeProperties,
  decodeProperty,
  type IncompleteReason,
} from './property-decoder.ts';
import type { PropertySchema } from './property-encoder.ts';

/** Every item of one page property, read through the property item endpoint. */
export interface PropertyItems {
  items: PropertyItemObjectResponse[];
  /** The list summary (`property_item`), holding a rollup's final value; absent for scalar types. */
  summary?: Record<string, unknown>;
}

/** Pages through `GET /v1/pages/{id}/properties/{property_id}` (a scalar type answers with one item). */
export async function collectPropertyItems(
  api: NotionApi,
  pageId: string,
  propertyId: string,
): Promise<PropertyItems> {
  const items: PropertyItemObjectResponse[] = [];
  let summary: Record<string, unknown> | undefined;
  const pages = iterateListPages(
    async (cursor) => {
      const response = await api.pages.properties.retrieve({
        page_id: pageId,
        property_id: propertyId,
        ...(cursor ? { start_cursor: cursor } : {}),
      });
      if (response.object === 'property_item')
        return { results: [response], next_cursor: null, has_more: false };
      summary = response.property_item as Record<string, unknown>;
      return response;
    },
    { what: `items of property ${propertyId} of page ${pageId}` },
  );
  for await (const page of pages) items.push(...page.results);
  return summary ? { items, summary } : { items };
}

/** Yields every item of one page property (see `collectPropertyItems`). */
export async function* iteratePropertyItems(
  api: NotionApi,
  pageId: string,
  propertyId: string,
): AsyncGenerator<PropertyItemObjectResponse> {
  yield* (await collectPropertyItems(api, pageId, propertyId)).items;
}

export interface CompletePageOptions {
  /** The data source schema (keyed by name); lets a rollup be tied to the relation it rolls up. */
  schema?: Record<string, PropertySchema> | undefined;
}

export interface CompletedPage {
  /** The page with truncated property values replaced by complete ones. */
  page: PageObjectResponse;
  properties: Record<string, DecodedProperty>;
  /** Property names that were read again through the property item endpoint. */
  completed: string[];
  /** Properties that are still not complete (e.g. a rollup Notion reports `incomplete`). */
  incomplete: { property: string; reason: IncompleteReason }[];
}

function rollupRelationsOf(
  schema: Record<string, PropertySchema> | undefined,
): Record<string, string> | undefined {
  if (!schema) return undefined;
  const byId = new Map(Object.values(schema).map((entry) => [entry.id, entry.name]));
  const out: Record<string, string> = {};
  for (const entry of Object.values(schema)) {
    if (entry.type !== 'rollup') continue;
    const config = entry.rollup as
      | { relation_property_name?: string; relation_property_id?: string }
      | undefined;
    const relation = config?.relation_property_name ?? byId.get(config?.relation_property_id ?? '');
    if (relation) out[entry.name] = relation;
  }
  return out;
}

function rebuildValue(property: DecodedProperty, fetched: PropertyItems): Record<string, unknown> {
  const base = { id: property.id, type: property.type };
  const inner = fetched.items.map(
    (item) => (item as unknown as Record<string, unknown>)[item.type],
  );
  if (property.type === 'relation') return { ...base, relation: inner, has_more: false };
  if (property.type !== 'rollup') return { ...base, [property.type]: inner };
  const rollup = {
    ...((fetched.summary?.rollup as Record<string, unknown>) ?? {
      type: 'incomplete',
      incomplete: {},
    }),
  };
  if (rollup.type === 'array') {
    rollup.array = fetched.items.map((item) => ({
      type: item.type,
      [item.type]: (item as unknown as Record<string, unknown>)[item.type],
    }));
  }
  return { ...base, rollup };
}

/**
 * Reads again, through the property item endpoint, every property of `page` that Notion may have
 * cut at 25 references (relation, people, title/rich_text mentions) and every rollup computed
 * over such a relation; what stays incomplete is listed in `incomplete`, never passed off as
 * complete.
 */
export async function completePageProperties(
  api: NotionApi,
  page: PageObjectResponse,
  options: CompletePageOptions = {},
): Promise<CompletedPage> {
  const decoded = decodeProperties(
    page.properties as Record<string, unknown>,
    rollupRelationsOf(options.schema),
  );
  const properties: Record<string, unknown> = { ...page.properties };
  const completed: string[] = [];
  const incomplete: CompletedPage['incomplete'] = [];
  const order = Object.entries(decoded).sort(
    ([, a], [, b]) => Number(a.type === 'rollup') - Number(b.type === 'rollup'),
  );
  for (const [name, property] of order) {
    if (property.complete) continue;
    const fetched = await collectPropertyItems(api, page.id, property.id);
    const value = rebuildValue(property, fetched);
    const again = decodeProperty(value);
    properties[name] = value;
    decoded[name] = again;
    completed.push(name);
    if (!again.complete && again.incompleteReason !== 'truncated') {
      incomplete.push({ property: name, reason: again.incompleteReason ?? 'rollup_incomplete' });
    } else if (!again.complete) {
      // A full listing of a long relation still has >= 25 items; it is complete now.
      again.complete = true;
      delete again.incompleteReason;
    }
  }
  return {
    page: { ...page, properties: properties as PageObjectResponse['properties'] },
    properties: decoded,
    completed,
    incomplete,
  };
}
