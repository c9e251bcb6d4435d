// get_page and history: one page's properties and Markdown (paged by a character budget, now or
// as of a past time) and its versions with per-property changes. Local store only.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { findPage } from '../lookup.ts';
import { type PagePiece, readPagePiece } from '../page-reading.ts';
import { json, registerTool, type ToolContext } from '../tool-kit.ts';

/** `files: Receipt[0] scan.pdf sha256:…; icon icon.png (gone)` — empty when the page has none. */
function filesLine(files: PagePiece['files']): string {
  if (!files || files.length === 0) return '';
  const shown = files.map(
    (f) => `${f.place} ${f.name} ${f.hash ? `sha256:${f.hash}` : `(${f.state})`}`,
  );
  return `files: ${shown.join('; ')}\n`;
}

export function registerPageTools(server: McpServer, ctx: ToolContext): void {
  registerTool(
    server,
    ctx,
    'get_page',
    {
      description:
        'One page from the local copy: its properties and Markdown content. Long content comes in pieces of at most `budget` characters; call again with `cursor` (nextCursor) until it is null — the pieces join to the whole page. `asOf` reads the page as it was stored at that time.',
      inputSchema: {
        page: z
          .string()
          .min(1)
          .max(500)
          .describe('page id or Notion URL (a title also works if unique enough)'),
        budget: z
          .number()
          .int()
          .min(500)
          .max(200_000)
          .optional()
          .describe('max characters of content per answer (default 20,000)'),
        cursor: z.string().max(200).optional().describe('nextCursor of the previous answer'),
        asOf: z.string().max(40).optional().describe('ISO date-time: the page as of then'),
      },
      annotations: { readOnlyHint: true },
    },
    async (args) => {
      const record = await findPage(ctx, args.page);
      const piece = await readPagePiece(ctx, record, {
        budget: args.budget ?? ctx.limits.pageBudgetChars,
        ...(args.cursor ? { cursor: args.cursor } : {}),
        ...(args.asOf ? { asOf: args.asOf } : {}),
      });
      const head = piece.properties
        ? `# ${piece.title}\npage ${piece.pageId} in ${piece.source}, version ${piece.version} (${piece.versionTime})${piece.tombstone ? `, deleted (${piece.tombstone})` : ''}\nproperties: ${JSON.stringify(piece.properties)}\n${filesLine(piece.files)}\n`
        : '';
      const tail = piece.nextCursor
        ? `\n\n[characters ${piece.offset}–${piece.offset + piece.content.length} of ${piece.totalChars}; continue with cursor "${piece.nextCursor}"]`
        : '';
      return { text: `${head}${piece.content}${tail}`, data: { ...piece } };
    },
  );

  registerTool(
    server,
    ctx,
    'history',
    {
      description:
        'Versions of one page in the local copy, newest last, each with what changed per property (before/after) and whether the content changed, who made it (notion pull or local edit) and when.',
      inputSchema: {
        page: z.string().min(1).max(500).describe('page id or Notion URL'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(200)
          .optional()
          .describe('latest versions to return (default 20)'),
      },
      annotations: { readOnlyHint: true },
    },
    async (args) => {
      const record = await findPage(ctx, args.page);
      const [result] = await ctx.engine.history(record.pageId ?? record.localKey, { diff: true });
      const versions = (result?.versions ?? []).slice(-(args.limit ?? 20)).map((entry) => ({
        seq: entry.version.seq,
        origin: entry.version.origin,
        trigger: entry.version.trigger,
        storedAt: entry.version.createdAt,
        notionLastEditedTime: entry.version.notionLastEditedTime,
        changes: (entry.changes ?? []).map((c) => ({
          property: c.name,
          change: c.change,
          before: c.before,
          after: c.after,
        })),
        contentChanged: entry.contentChanged ?? false,
      }));
      const data = {
        pageId: record.pageId,
        source: result?.source ?? null,
        tombstone: result?.tombstone ?? null,
        versions,
      };
      return { text: json(data), data };
    },
  );
}
