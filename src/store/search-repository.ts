// Full-text search over the current title and Markdown of every live record (the index that
// migration 0002 keeps up to date with triggers): SQLite FTS5 with bm25 ranking (title weighs
// more than the body) and `snippet`, PostgreSQL tsvector with `ts_rank` and `ts_headline`. The
// query is words, all of which must match; it is never passed through as FTS syntax.
import { sql } from 'kysely';
import type { RepositoryContext } from './repository-context.ts';

export interface SearchHit {
  recordId: number;
  sourceId: number;
  pageId: string | null;
  title: string;
  /** Matching text with the hits between « and ». */
  snippet: string;
}

export interface SearchInput {
  query: string;
  sourceIds?: number[];
  limit: number;
  offset?: number;
}

export interface SearchRepository {
  search(input: SearchInput): Promise<SearchHit[]>;
}

/** The words of a query (letters and digits), at most 32 of them. */
export function searchWords(query: string): string[] {
  return (query.normalize('NFKC').match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 32);
}

export function createSearchRepository(ctx: RepositoryContext): SearchRepository {
  const { dialect } = ctx;
  const index = sql.raw(dialect.tableRef('search_index'));
  const records = sql.raw(dialect.tableRef('records'));
  return {
    async search(input) {
      const words = searchWords(input.query);
      if (words.length === 0) return [];
      const offset = input.offset ?? 0;
      const bySource =
        input.sourceIds && input.sourceIds.length > 0
          ? sql`and s.source_id in (${sql.join(input.sourceIds)})`
          : sql``;
      type HitRow = {
        record_id: number;
        source_id: number;
        page_id: string | null;
        title: string;
        snippet: string;
      };
      const query =
        dialect.name === 'sqlite'
          ? sql<HitRow>`
            select s.rowid as record_id, s.source_id, r.page_id, s.title,
              snippet(${index}, 2, '«', '»', '…', 24) as snippet
            from ${index} s join ${records} r on r.id = s.rowid
            where ${index} match ${words.map((w) => `"${w}"`).join(' ')} ${bySource}
            order by bm25(${index}, 0, 10, 1), s.rowid limit ${input.limit} offset ${offset}`
          : sql<HitRow>`
            select s.record_id, s.source_id, r.page_id, s.title,
              ts_headline('simple', left(s.body, 200000), q,
                'StartSel=«, StopSel=», MaxWords=30, MinWords=10, MaxFragments=2, FragmentDelimiter=…') as snippet
            from ${index} s join ${records} r on r.id = s.record_id,
              plainto_tsquery('simple', ${words.join(' ')}) q
            where s.tsv @@ q ${bySource}
            order by ts_rank(s.tsv, q) desc, s.record_id limit ${input.limit} offset ${offset}`;
      const { rows } = await query.execute(dialect.db);
      return rows.map((r) => ({
        recordId: Number(r.record_id),
        sourceId: Number(r.source_id),
        pageId: r.page_id,
        title: r.title,
        snippet: r.snippet,
      }));
    },
  };
}
