// The Streamable HTTP transport, stateless: every request gets a fresh server and transport (the
// SDK's recommended shape without sessions), so any number of `serve` instances can answer.
// Mounting in Hono is one line: `app.all('/mcp', (c) => handler(c.req.raw))` (behind the API token).
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

export type McpHttpHandler = (request: Request) => Promise<Response>;

/** A fetch-style handler answering MCP over Streamable HTTP with servers from `createServer`. */
export function createMcpHttpHandler(createServer: () => McpServer): McpHttpHandler {
  return async (request) => {
    const server = createServer();
    // No session id generator: stateless mode.
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request);
    } finally {
      void transport.close().then(() => server.close());
    }
  };
}
