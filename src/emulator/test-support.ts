import type { Client } from '@notionhq/client';

/** Any client with the SDK's `databases.create` (the SDK itself, or a wrapper around it). */
type DatabaseCreator = { databases: { create: Client['databases']['create'] } };

/** Creates a database under `parentId` and returns the id of its data source. */
export async function createDataSource(
  notion: DatabaseCreator,
  parentId: string,
  properties: Parameters<Client['databases']['create']>[0]['initial_data_source'] extends infer T
    ? T extends { properties?: infer P }
      ? P
      : never
    : never,
  title = 'Table',
): Promise<string> {
  const db = await notion.databases.create({
    parent: { type: 'page_id', page_id: parentId },
    title: [{ text: { content: title } }],
    initial_data_source: { properties },
  });
  if (!('data_sources' in db) || !db.data_sources[0]) throw new Error('expected a full database');
  return db.data_sources[0].id;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
