import { describe, expect, it } from 'vitest';
import type { NotionSyncError } from '../errors.ts';
import { iterateListItems, iterateListPages, type ListResponseLike } from './pagination.ts';

// A scripted list source: page `n` answers with `pages[n]` (no Notion involved: pure pagination logic).
function source(pages: Record<string, ListResponseLike<number>>) {
  return async (cursor: string | undefined) => {
    const page = pages[cursor ?? 'start'];
    if (!page) throw new Error(`no page ${cursor}`);
    return page;
  };
}

async function collect<T>(
  iterable: AsyncIterable<T>,
): Promise<{ items: T[]; error?: NotionSyncError }> {
  const items: T[] = [];
  try {
    for await (const item of iterable) items.push(item);
    return { items };
  } catch (error) {
    return { items, error: error as NotionSyncError };
  }
}

describe('iterateListPages', () => {
  it('follows cursors to the end', async () => {
    const fetchPage = source({
      start: { results: [1, 2], next_cursor: 'a', has_more: true },
      a: { results: [3], next_cursor: null, has_more: false },
    });
    const { items } = await collect(
      iterateListItems(iterateListPages(fetchPage, { what: 'numbers' }), 'numbers'),
    );
    expect(items).toStrictEqual([1, 2, 3]);
  });

  it('stops with pagination_loop on a repeated cursor', async () => {
    const fetchPage = source({
      start: { results: [1], next_cursor: 'a', has_more: true },
      a: { results: [2], next_cursor: 'b', has_more: true },
      b: { results: [3], next_cursor: 'a', has_more: true },
    });
    const { items, error } = await collect(iterateListPages(fetchPage, { what: 'numbers' }));
    expect(error?.code).toBe('pagination_loop');
    expect(items).toHaveLength(3);
  });

  it('reports has_more without a cursor', async () => {
    const fetchPage = source({ start: { results: [1], next_cursor: null, has_more: true } });
    expect((await collect(iterateListPages(fetchPage, { what: 'numbers' }))).error?.code).toBe(
      'notion_bad_response',
    );
  });

  it('never passes an incomplete listing off as complete', async () => {
    const fetchPage = source({
      start: {
        results: [1, 2],
        next_cursor: null,
        has_more: false,
        request_status: { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' },
      },
    });
    const pages = await collect(iterateListPages(fetchPage, { what: 'rows' }));
    expect(pages.items[0]?.incomplete).toStrictEqual({ reason: 'query_result_limit_reached' });
    const items = await collect(
      iterateListItems(iterateListPages(fetchPage, { what: 'rows' }), 'rows'),
    );
    expect(items.items).toStrictEqual([1, 2]);
    expect(items.error?.code).toBe('notion_incomplete');
  });
});
