// What a connection can see, for the page picker: Notion's search (pages and data sources the
// installation was given), each with its parent path built from the same results. Rows of a
// database come with their database, so pages whose parent is a data source are left out.
import type { DataSourceObjectResponse, PageObjectResponse } from '@notionhq/client';
import { type NotionClient, plainTextOf } from '../../notion/index.ts';

export type PickKind = 'page' | 'data_source';

export interface Pickable {
  id: string;
  kind: PickKind;
  title: string;
  /** Titles of the ancestors the connection can see, outermost first. */
  path: string[];
  url: string | null;
}

type Found = PageObjectResponse | DataSourceObjectResponse;

function titleOf(found: Found): string {
  if (found.object === 'data_source') return plainTextOf(found.title) || 'Untitled database';
  const title = Object.values(found.properties).find((p) => p.type === 'title');
  return (title && title.type === 'title' ? plainTextOf(title.title) : '') || 'Untitled';
}

function parentIdOf(found: Found): string | null {
  // A data source's parent is its database, which search does not list: use the database's.
  const parent = (
    found.object === 'data_source' && 'database_parent' in found
      ? found.database_parent
      : found.parent
  ) as Record<string, unknown> & { type: string };
  const id = parent[parent.type];
  return typeof id === 'string' ? id : null;
}

/** Everything `notion` can see that can become a source, with parent paths. Max `limit` items. */
export async function browseConnection(notion: NotionClient, limit = 500): Promise<Pickable[]> {
  const found: Found[] = [];
  for await (const item of notion.iterateSearch()) {
    found.push(item);
    if (found.length >= limit) break;
  }
  const byId = new Map(found.map((f) => [f.id, f]));
  const pathOf = (item: Found): string[] => {
    const path: string[] = [];
    const seen = new Set<string>([item.id]);
    let parentId = parentIdOf(item);
    while (parentId && !seen.has(parentId)) {
      seen.add(parentId);
      const parent = byId.get(parentId);
      if (!parent) break;
      path.unshift(titleOf(parent));
      parentId = parentIdOf(parent);
    }
    return path;
  };
  return found
    .filter(
      (f) =>
        f.object === 'data_source' || !['data_source_id', 'database_id'].includes(f.parent.type),
    )
    .filter((f) => !('in_trash' in f && f.in_trash))
    .map((f) => ({
      id: f.id,
      kind: f.object === 'data_source' ? ('data_source' as const) : ('page' as const),
      title: titleOf(f),
      path: pathOf(f),
      url: 'url' in f && typeof f.url === 'string' ? f.url : null,
    }))
    .sort((a, b) => [...a.path, a.title].join('/').localeCompare([...b.path, b.title].join('/')));
}
