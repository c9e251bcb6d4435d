// Surface of src/mcp/ for other folders (DESIGN.md §3).
export { createEngineRunJob } from './engine-run-job.ts';
export { createMcpHttpHandler, type McpHttpHandler } from './http-handler.ts';
export {
  DEFAULT_LIMITS,
  type McpLimits,
  type McpServerOptions,
  type RunJob,
  type RunJobOptions,
  type RunJobProgress,
  type RunKind,
} from './mcp-options.ts';
export { createMcpServer } from './mcp-server.ts';
export { createRunnerRunJob } from './runner-run-job.ts';
export { serveMcpStdio } from './stdio.ts';
