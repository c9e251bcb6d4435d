// How every tool answers and is audited: a tool returns `{ text, data }` (text for the model,
// `structuredContent` for programs) or throws; a NotionSyncError becomes an MCP error result
// (`isError`) with its code, never an exception on the wire. Each call is recorded in the store
// (tool, arguments without secrets, duration, answer size, error code).
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
  ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { isNotionSyncError, NotionSyncError } from '../errors.ts';
import { type Logger, silentLogger, systemClock } from '../shared/index.ts';
import type { JsonValue, Store } from '../store/index.ts';
import { DEFAULT_LIMITS, type McpLimits, type McpServerOptions } from './mcp-options.ts';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ToolAnswer {
  text: string;
  data: Record<string, unknown>;
}

export interface ToolContext extends McpServerOptions {
  limits: McpLimits;
  logger: Logger;
  now(): number;
}

export function toolContext(options: McpServerOptions): ToolContext {
  const clock = options.clock ?? systemClock;
  return {
    ...options,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    logger: options.logger ?? silentLogger,
    now: () => clock.now(),
  };
}

const SECRET_KEY = /token|secret|password|authorization|api[_-]?key|cookie/i;

/** Arguments as recorded: secret-looking keys removed, long strings shortened. */
export function redactArguments(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.slice(0, 50).map(redactArguments);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) ? '[redacted]' : redactArguments(v),
      ]),
    );
  }
  if (typeof value === 'string' && value.length > 500) return `${value.slice(0, 500)}…`;
  return (value ?? null) as JsonValue;
}

export function errorResult(error: unknown): CallToolResult {
  const e = isNotionSyncError(error)
    ? error
    : new NotionSyncError('internal', error instanceof Error ? error.message : String(error));
  return {
    isError: true,
    content: [{ type: 'text', text: `Error (${e.code}): ${e.message}` }],
    structuredContent: { error: { code: e.code, message: e.message, details: e.details } },
  };
}

async function audit(
  store: Store,
  logger: Logger,
  call: Parameters<Store['mcpCalls']['record']>[0],
) {
  try {
    await store.mcpCalls.record(call);
  } catch (error) {
    logger.warn({ err: error, tool: call.tool }, 'could not record the MCP call');
  }
}

/** Registers a tool whose handler is audited and whose failures are error results. */
export function registerTool<Shape extends z.ZodRawShape>(
  server: McpServer,
  ctx: ToolContext,
  name: string,
  config: { description: string; inputSchema: Shape; annotations?: ToolAnnotations },
  handler: (args: z.infer<z.ZodObject<Shape>>, extra: ToolExtra) => Promise<ToolAnswer>,
): void {
  const run = async (args: z.infer<z.ZodObject<Shape>>, extra: ToolExtra) => {
    const started = performance.now();
    let result: CallToolResult;
    try {
      const size = Buffer.byteLength(JSON.stringify(args ?? {}));
      if (size > ctx.limits.maxArgumentBytes) {
        throw new NotionSyncError(
          'input_too_large',
          `The arguments are ${size} bytes; a call may carry at most ${ctx.limits.maxArgumentBytes}. Send less at once.`,
          { details: { bytes: size, limit: ctx.limits.maxArgumentBytes } },
        );
      }
      const answer = await handler(args, extra);
      result = { content: [{ type: 'text', text: answer.text }], structuredContent: answer.data };
    } catch (error) {
      result = errorResult(error);
    }
    const code = result.isError
      ? ((result.structuredContent as { error: { code: string } }).error.code ?? 'internal')
      : null;
    await audit(ctx.store, ctx.logger, {
      tool: name,
      args: redactArguments(args),
      durationMs: performance.now() - started,
      resultBytes: Buffer.byteLength(JSON.stringify(result)),
      errorCode: code,
    });
    return result;
  };
  server.registerTool(name, config, run as never);
}

/** Compact JSON for the text half of an answer. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 1);
}
