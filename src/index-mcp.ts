// The library surface of `notion-sync/mcp`: the MCP server over an engine, on stdio or HTTP.
// Named exports only.
export {
  createEngineRunJob,
  createMcpHttpHandler,
  createMcpServer,
  type McpHttpHandler,
  type McpLimits,
  type McpServerOptions,
  type RunJob,
  serveMcpStdio,
} from './mcp/index.ts';
