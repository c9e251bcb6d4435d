// The MCP server over the local mirror: tools for reading (list_sources, status, query, search,
// get_page, history, conflicts), refreshing (sync, through the injected runner) and proposing
// edits (stage_*, approve_staged when allowed, resolve_conflict), plus source and page resources.
// Transport-free: `notion-sync mcp` connects it to stdio, `serve` to Streamable HTTP.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpServerOptions } from './mcp-options.ts';
import { registerResources } from './resources.ts';
import { toolContext } from './tool-kit.ts';
import { registerEditTools } from './tools/edit-tools.ts';
import { registerPageTools } from './tools/page-tools.ts';
import { registerReadTools } from './tools/read-tools.ts';
import { registerSourceTools } from './tools/source-tools.ts';
import { VERSION } from './version.ts';

const INSTRUCTIONS =
  'notion-sync serves a local, versioned copy of Notion databases and pages. Reads (list_sources, ' +
  'query, search, get_page, history, status, conflicts) answer from that copy with no Notion call ' +
  'and no rate limit. Edits are staged (stage_edit, stage_create, stage_delete) and reach Notion ' +
  'only after approval. Use sync to refresh the copy.';

/** Builds the MCP server (no transport attached). */
export function createMcpServer(options: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: 'notion-sync', version: VERSION },
    { instructions: INSTRUCTIONS, capabilities: { logging: {} } },
  );
  const ctx = toolContext(options);
  registerSourceTools(server, ctx);
  registerReadTools(server, ctx);
  registerPageTools(server, ctx);
  registerEditTools(server, ctx);
  registerResources(server, ctx);
  return server;
}
