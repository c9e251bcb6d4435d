import type { PageObjectResponse } from '@notionhq/client';
import { hashNotionValue } from './notion-hash.ts';
import { type DecodedProperty, decodeProperties, type PlainValue } from './property-decoder.ts';

/** What the engine keeps of one Notion page (a data source row or a plain page). */
export interface PageSnapshot {
  id: string;
  url: string;
  createdTime: string;
  lastEditedTime: string;
  createdBy: string | null;
  lastEditedBy: string | null;
  inTrash: boolean;
  /** `{ type: 'data_source_id', data_source_id, database_id }`, `{ type: 'page_id', page_id }`, … */
  parent: PageObjectResponse['parent'];
  /** Plain values by property name. */
  fields: Record<string, PlainValue>;
  /** Decoded properties (plain value, raw value, completeness) by property name. */
  properties: Record<string, DecodedProperty>;
  /** Property names whose values may be incomplete (see `DecodedProperty.incompleteReason`). */
  incomplete: string[];
  /**
   * Change-detection hash of the properties, trash flag, icon and cover, with volatile parts
   * (hosted file URL signatures and expiry, request ids) and the edit timestamps left out.
   */
  hash: string;
}

/** Snapshot of a page object; `rollupRelations` maps rollup names to the relation they roll up. */
export function snapshotPage(
  page: PageObjectResponse,
  rollupRelations?: Record<string, string>,
): PageSnapshot {
  const properties = decodeProperties(page.properties as Record<string, unknown>, rollupRelations);
  const fields: Record<string, PlainValue> = {};
  for (const [name, property] of Object.entries(properties)) fields[name] = property.value;
  return {
    id: page.id,
    url: page.url,
    createdTime: page.created_time,
    lastEditedTime: page.last_edited_time,
    createdBy: page.created_by?.id ?? null,
    lastEditedBy: page.last_edited_by?.id ?? null,
    inTrash: page.in_trash,
    parent: page.parent,
    fields,
    properties,
    incomplete: Object.entries(properties)
      .filter(([, p]) => !p.complete)
      .map(([name]) => name),
    hash: hashNotionValue({
      properties: page.properties,
      inTrash: page.in_trash,
      icon: page.icon,
      cover: page.cover,
    }),
  };
}
