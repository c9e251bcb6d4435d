// query and search: rows and full-text hits from the local store only (never Notion).
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { NotionSyncError } from '../../errors.ts';
import { checkSelectShape } from '../../store/index.ts';
import { findSource } from '../lookup.ts';
import { json, registerTool, type ToolContext } from '../tool-kit.ts';

const filterSchema = z.object({
  property: z.string().max(200).describe('property name, or _last_edited_time / _created_time'),
  op: z
    .enum([
      'equals',
      'not_equals',
      'contains',
      'gt',
      'gte',
      'lt',
      'lte',
      'is_empty',
      'is_not_empty',
    ])
    .describe('contains: case-insensitive substring; gt…lte: numbers, dates (by start) and text'),
  value: z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]).optional(),
});

function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const n = Number(cursor);
  if (!Number.isInteger(n) || n < 0) {
    throw new NotionSyncError(
      'usage',
      `cursor "${cursor}" is not one this tool returned; omit it to start over.`,
    );
  }
  return n;
}

async function viewNames(ctx: ToolContext): Promise<string[]> {
  const sources = await ctx.store.sources.list();
  return sources.flatMap((s) => (s.viewName ? [s.viewName, `${s.viewName}_all`] : []));
}

async function runSql(ctx: ToolContext, query: string, limit: number) {
  const body = checkSelectShape(query);
  const result = await ctx.store.readOnlySql.run(body, {
    views: await viewNames(ctx),
    maxRows: limit,
    timeoutMs: ctx.limits.sqlTimeoutMs,
  });
  const data = { columns: result.columns, rows: result.rows, truncated: result.truncated };
  return {
    text: `${result.rows.length} rows${result.truncated ? ` (more exist; limit ${limit})` : ''}\n${json(result.rows)}`,
    data,
  };
}

export function registerReadTools(server: McpServer, ctx: ToolContext): void {
  registerTool(
    server,
    ctx,
    'query',
    {
      description:
        'Rows of one source from the local copy (current values, no Notion call): filter on properties, sort, page with the returned cursor. For anything the filters cannot say, pass `sql`: one read-only SELECT over the source views (one view per source, named as list_sources shows; `<view>_all` includes deleted rows). Writes, several statements and long-running queries are refused.',
      inputSchema: {
        source: z
          .string()
          .max(200)
          .optional()
          .describe('source name (required unless sql is given)'),
        filters: z.array(filterSchema).max(20).optional().describe('all must match'),
        sort: z
          .array(
            z.object({
              property: z.string().max(200),
              direction: z.enum(['asc', 'desc']).optional(),
            }),
          )
          .max(5)
          .optional(),
        limit: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .optional()
          .describe('rows per answer (default 50)'),
        cursor: z.string().max(20).optional().describe('nextCursor of the previous answer'),
        count: z
          .boolean()
          .optional()
          .describe('also return the number of all matching rows (slower on big sources)'),
        sql: z
          .string()
          .max(10_000)
          .optional()
          .describe('one read-only SELECT over the source views'),
      },
      annotations: { readOnlyHint: true },
    },
    async (args) => {
      const limit = Math.min(args.limit ?? 50, ctx.limits.maxRows);
      if (args.sql !== undefined) return runSql(ctx, args.sql, limit);
      if (!args.source)
        throw new NotionSyncError('usage', 'Give `source` (a name from list_sources) or `sql`.');
      const source = await findSource(ctx, args.source);
      const offset = offsetOf(args.cursor);
      const page = await ctx.store.rows.query(source, {
        filters: args.filters ?? [],
        sort: args.sort ?? [],
        limit,
        offset,
        withTotal: args.count ?? false,
      });
      const next = page.hasMore ? String(offset + page.rows.length) : null;
      const data = { source: source.name, total: page.total, rows: page.rows, nextCursor: next };
      return {
        text: `${page.rows.length}${page.total === null ? '' : ` of ${page.total}`} rows${next ? ` (continue with cursor "${next}")` : ''}\n${json(page.rows)}`,
        data,
      };
    },
  );

  registerTool(
    server,
    ctx,
    'search',
    {
      description:
        'Full-text search over page titles and Markdown content of the local copy (every word must match; titles rank higher). Returns page ids, titles and snippets with the matches between « and ». Follow up with get_page.',
      inputSchema: {
        query: z.string().min(1).max(500).describe('words to find'),
        source: z.string().max(200).optional().describe('only this source'),
        limit: z.number().int().min(1).max(50).optional().describe('hits (default 10)'),
      },
      annotations: { readOnlyHint: true },
    },
    async (args) => {
      const source = args.source ? await findSource(ctx, args.source) : null;
      const sources = new Map((await ctx.store.sources.list()).map((s) => [s.id, s.name]));
      const hits = await ctx.store.search.search({
        query: args.query,
        limit: args.limit ?? 10,
        ...(source ? { sourceIds: [source.id] } : {}),
      });
      const results = hits.map((h) => ({
        pageId: h.pageId,
        source: sources.get(h.sourceId) ?? null,
        title: h.title,
        snippet: h.snippet,
      }));
      const text =
        results.length === 0
          ? `No page matches "${args.query}".`
          : results.map((r) => `${r.pageId} [${r.source}] ${r.title}\n  ${r.snippet}`).join('\n');
      return { text, data: { results } };
    },
  );
}
