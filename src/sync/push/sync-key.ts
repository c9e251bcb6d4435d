// The sync key: every page push creates carries the record's local key in a dedicated text
// property, so a create whose answer was lost (timeout, reset, 5xx: it may have been applied) is
// looked up by that key before it is ever sent again — zero duplicate pages. Invariant: a create
// is re-sent only after a data source query proved no live page holds its key.
import type { PageObjectResponse } from '@notionhq/client';
import { NotionSyncError } from '../../errors.ts';
import { type NotionClient, plainTextOf } from '../../notion/index.ts';

/** The key a page carries in `propertyName`, or null. */
export function readSyncKey(page: PageObjectResponse, propertyName: string): string | null {
  const property = (page.properties as Record<string, { type?: string; rich_text?: unknown }>)[
    propertyName
  ];
  if (property?.type !== 'rich_text' || !Array.isArray(property.rich_text)) return null;
  const text = plainTextOf(property.rich_text as Parameters<typeof plainTextOf>[0]);
  return text === '' ? null : text;
}

/**
 * Makes sure the data source has the key property (a text property); creates it when missing.
 * Returns true when it was created. `config_invalid` when a property of that name has another type.
 */
export async function ensureSyncKeyProperty(
  notion: NotionClient,
  dataSourceId: string,
  propertyName: string,
): Promise<boolean> {
  const ds = (await notion.dataSources.retrieve({ data_source_id: dataSourceId })) as {
    properties?: Record<string, { type: string }>;
  };
  const existing = ds.properties?.[propertyName];
  if (existing) {
    if (existing.type === 'rich_text') return false;
    throw new NotionSyncError(
      'config_invalid',
      `The sync key property "${propertyName}" exists with type ${existing.type}; push needs a text property. Rename that property in Notion or set \`syncKeyProperty\` on the source to another name.`,
      { details: { property: propertyName, type: existing.type } },
    );
  }
  await notion.dataSources.update({
    data_source_id: dataSourceId,
    properties: { [propertyName]: { rich_text: {} } },
  } as Parameters<NotionClient['dataSources']['update']>[0]);
  return true;
}

/** Live pages of the data source holding `key` (normally zero or one), oldest first. */
export async function findPagesBySyncKey(
  notion: NotionClient,
  dataSourceId: string,
  propertyName: string,
  key: string,
): Promise<PageObjectResponse[]> {
  const response = await notion.dataSources.query({
    data_source_id: dataSourceId,
    filter: { property: propertyName, rich_text: { equals: key } },
    sorts: [{ timestamp: 'created_time', direction: 'ascending' }],
    page_size: 10,
  } as Parameters<NotionClient['dataSources']['query']>[0]);
  return (response.results as PageObjectResponse[]).filter(
    (page) => page.object === 'page' && !page.in_trash && readSyncKey(page, propertyName) === key,
  );
}
