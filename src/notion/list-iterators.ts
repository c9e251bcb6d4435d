import type {
  CommentObjectResponse,
  DataSourceObjectResponse,
  PageObjectResponse,
  SearchParameters,
  UserObjectResponse,
} from '@notionhq/client';
import type { NotionApi } from './notion-api.ts';
import { iterateListItems, iterateListPages } from './pagination.ts';

export type SearchOptions = Omit<SearchParameters, 'start_cursor' | 'page_size'>;

/**
 * Pages and data sources the integration can see whose title matches. Search is title-only and
 * lags; never use it to enumerate rows (query the data source instead).
 */
export function iterateSearch(
  api: NotionApi,
  options: SearchOptions = {},
): AsyncGenerator<PageObjectResponse | DataSourceObjectResponse> {
  const pages = iterateListPages(
    async (cursor) => {
      const response = await api.search({
        ...options,
        page_size: 100,
        ...(cursor ? { start_cursor: cursor } : {}),
      });
      const results = response.results.filter(
        (r): r is PageObjectResponse | DataSourceObjectResponse => 'created_time' in r,
      );
      return { ...response, results };
    },
    { what: 'search results' },
  );
  return iterateListItems(pages, 'search results');
}

/** Every user of the workspace (people and bots). */
export function iterateUsers(api: NotionApi): AsyncGenerator<UserObjectResponse> {
  const pages = iterateListPages(
    (cursor) => api.users.list({ page_size: 100, ...(cursor ? { start_cursor: cursor } : {}) }),
    { what: 'users' },
  );
  return iterateListItems(pages, 'users');
}

/** Open comments of a page or block. */
export function iterateComments(
  api: NotionApi,
  blockId: string,
): AsyncGenerator<CommentObjectResponse> {
  const pages = iterateListPages(
    async (cursor) => {
      const response = await api.comments.list({
        block_id: blockId,
        page_size: 100,
        ...(cursor ? { start_cursor: cursor } : {}),
      });
      return {
        ...response,
        results: response.results.filter((c): c is CommentObjectResponse => 'created_time' in c),
      };
    },
    { what: `comments of ${blockId}` },
  );
  return iterateListItems(pages, `comments of ${blockId}`);
}
