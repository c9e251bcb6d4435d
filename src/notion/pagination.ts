import { NotionSyncError } from '../errors.ts';

/** The fields every Notion list response shares. */
export interface ListResponseLike<T> {
  results: T[];
  next_cursor: string | null;
  has_more: boolean;
  request_status?: { type: 'complete' | 'incomplete'; incomplete_reason?: string } | undefined;
}

/** One page of a listing, as the engine consumes it. */
export interface ListPage<T> {
  results: T[];
  /** Cursor of the next page; null on the last page. Pass back as `startCursor` to resume. */
  nextCursor: string | null;
  /** Set when Notion stopped short (e.g. `query_result_limit_reached`): the listing is NOT complete. */
  incomplete?: { reason: string };
  requestId?: string;
}

export interface IterateListOptions {
  /** Resume a listing from a cursor a previous page returned. */
  startCursor?: string | undefined;
  /** Names the listing in errors, e.g. `rows of data source 1f2e…`. */
  what: string;
}

function requestIdOf(value: unknown): string | undefined {
  const id = (value as { request_id?: unknown }).request_id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Pages through a cursor-based list endpoint. A cursor seen twice is a `pagination_loop` error
 * (never an endless loop); `has_more` without a cursor is `notion_bad_response`; a page with
 * `request_status.type = 'incomplete'` is passed on with `incomplete` set.
 */
export async function* iterateListPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<ListResponseLike<T>>,
  options: IterateListOptions,
): AsyncGenerator<ListPage<T>> {
  const seen = new Set<string>();
  let cursor = options.startCursor;
  if (cursor !== undefined) seen.add(cursor);
  for (;;) {
    const response = await fetchPage(cursor);
    const next = response.has_more ? response.next_cursor : null;
    if (response.has_more && !next) {
      throw new NotionSyncError(
        'notion_bad_response',
        `Notion said more ${options.what} follow but gave no cursor; the listing cannot continue.`,
        { details: { what: options.what } },
      );
    }
    const page: ListPage<T> = { results: response.results, nextCursor: next };
    if (response.request_status?.type === 'incomplete') {
      page.incomplete = { reason: response.request_status.incomplete_reason ?? 'unknown' };
    }
    const requestId = requestIdOf(response);
    if (requestId) page.requestId = requestId;
    yield page;
    if (!next) return;
    if (seen.has(next)) {
      throw new NotionSyncError(
        'pagination_loop',
        `Notion returned the cursor of an earlier page again while listing ${options.what}; stopped to avoid an endless loop.`,
        { details: { what: options.what, cursor: next, pages: seen.size } },
      );
    }
    seen.add(next);
    cursor = next;
  }
}

/**
 * Flattens pages into items. After the last item, throws `notion_incomplete` if any page was
 * incomplete, so a capped listing is never mistaken for a complete one.
 */
export async function* iterateListItems<T>(
  pages: AsyncIterable<ListPage<T>>,
  what: string,
): AsyncGenerator<T> {
  let incomplete: string | undefined;
  let count = 0;
  for await (const page of pages) {
    if (page.incomplete) incomplete = page.incomplete.reason;
    for (const item of page.results) {
      count += 1;
      yield item;
    }
  }
  if (incomplete !== undefined) {
    throw new NotionSyncError(
      'notion_incomplete',
      `Notion returned only part of ${what} (${incomplete}) after ${count} items; the rest was not listed.`,
      { details: { what, reason: incomplete, itemsListed: count } },
    );
  }
}
