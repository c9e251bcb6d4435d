// `notion-sync mcp`: the server on stdin/stdout (stdout carries only protocol messages; logs go to
// stderr). Resolves when the client closes the connection.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

export async function serveMcpStdio(
  server: McpServer,
  stdin: NodeJS.ReadableStream = process.stdin,
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const transport = new StdioServerTransport(stdin as never, stdout as never);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    stdin.on('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
