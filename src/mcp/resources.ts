// Resources: each source (`notion-sync://source/<name>`: schema and counts, JSON) and each page
// (`notion-sync://page/<id>`: Markdown with its properties), listed and read from the store.
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { findPage, findSource } from './lookup.ts';
import { namedFields, titleOf } from './page-reading.ts';
import type { ToolContext } from './tool-kit.ts';

/** Pages a resource list names at most per source (the rest stay readable by id). */
const LISTED_PAGES_PER_SOURCE = 500;

export function registerResources(server: McpServer, ctx: ToolContext): void {
  server.registerResource(
    'source',
    new ResourceTemplate('notion-sync://source/{name}', {
      list: async () => ({
        resources: ctx.sources.map((s) => ({
          uri: `notion-sync://source/${encodeURIComponent(s.name)}`,
          name: s.name,
          mimeType: 'application/json',
          description: `Schema and row counts of source ${s.name}`,
        })),
      }),
    }),
    {
      description: 'A mirrored Notion source: its schema and row counts',
      mimeType: 'application/json',
    },
    async (uri, { name }) => {
      const source = await findSource(ctx, decodeURIComponent(String(name)));
      const counts = await ctx.store.records.count(source.id);
      const body = {
        name: source.name,
        kind: source.kind,
        direction: source.direction,
        view: source.viewName,
        rows: counts,
        properties: Object.values(source.schema.properties).map((p) => ({
          id: p.id,
          name: p.name,
          type: p.type,
        })),
      };
      return {
        contents: [
          { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body, null, 1) },
        ],
      };
    },
  );

  server.registerResource(
    'page',
    new ResourceTemplate('notion-sync://page/{id}', {
      list: async () => {
        const resources = [];
        for (const source of await ctx.store.sources.list()) {
          const page = await ctx.store.rows.query(source, {
            limit: LISTED_PAGES_PER_SOURCE,
            sort: [{ property: '_last_edited_time', direction: 'desc' }],
          });
          const title = Object.values(source.schema.properties).find(
            (p) => p.type === 'title',
          )?.name;
          for (const row of page.rows) {
            resources.push({
              uri: `notion-sync://page/${String(row._page_id)}`,
              name: (title && typeof row[title] === 'string' && row[title]) || String(row._page_id),
              mimeType: 'text/markdown',
              description: `A page of ${source.name}`,
            });
          }
        }
        return { resources };
      },
    }),
    { description: 'A page of the local copy as Markdown', mimeType: 'text/markdown' },
    async (uri, { id }) => {
      const record = await findPage(ctx, String(id));
      const version =
        record.currentVersionId === null
          ? null
          : await ctx.store.history.getVersionById(record.currentVersionId);
      const source = (await ctx.store.sources.get(record.sourceId))!;
      const fields = version?.fields ?? {};
      const text = `# ${titleOf(source, fields)}\n\n<!-- properties: ${JSON.stringify(namedFields(source, fields))} -->\n\n${version?.content ?? ''}`;
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text }] };
    },
  );
}
