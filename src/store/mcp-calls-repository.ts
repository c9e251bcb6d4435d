// The audit of MCP tool calls: which tool, its arguments (secrets already removed by the caller),
// how long it took, how big the answer was and the error code when it failed. Append-only.
import { fromJsonText, toJsonText } from './json-columns.ts';
import type { RepositoryContext } from './repository-context.ts';
import type { JsonValue } from './store-types.ts';

export interface McpCall {
  id: number;
  tool: string;
  args: JsonValue;
  durationMs: number;
  resultBytes: number;
  errorCode: string | null;
  calledAt: string;
}

export interface McpActivity {
  calls: number;
  errors: number;
  lastCalledAt: string | null;
  /** Calls per tool since `since`. */
  byTool: Record<string, number>;
}

export interface McpCallsRepository {
  record(call: Omit<McpCall, 'id' | 'calledAt'>): Promise<void>;
  /** Newest first. */
  list(options?: { limit?: number }): Promise<McpCall[]>;
  /** Activity since `since` (ISO time; all time when omitted). */
  activity(since?: string): Promise<McpActivity>;
}

export function createMcpCallsRepository(ctx: RepositoryContext): McpCallsRepository {
  const db = ctx.dialect.db;
  return {
    record: async (call) => {
      await db
        .insertInto('mcp_calls')
        .values({
          tool: call.tool,
          args_json: toJsonText(call.args),
          duration_ms: Math.round(call.durationMs),
          result_bytes: call.resultBytes,
          error_code: call.errorCode,
          called_at: ctx.now(),
        })
        .execute();
    },
    list: async (options = {}) => {
      const rows = await db
        .selectFrom('mcp_calls')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(options.limit ?? 50)
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        tool: r.tool,
        args: fromJsonText(r.args_json, null),
        durationMs: Number(r.duration_ms),
        resultBytes: Number(r.result_bytes),
        errorCode: r.error_code,
        calledAt: r.called_at,
      }));
    },
    activity: async (since) => {
      let query = db
        .selectFrom('mcp_calls')
        .select((eb) => [
          'tool',
          eb.fn.countAll<number>().as('calls'),
          eb.fn.count<number>('error_code').as('errors'),
          eb.fn.max('called_at').as('last'),
        ])
        .groupBy('tool');
      if (since) query = query.where('called_at', '>=', since);
      const rows = await query.execute();
      const byTool = Object.fromEntries(rows.map((r) => [r.tool, Number(r.calls)]));
      const last =
        rows
          .map((r) => r.last as string)
          .sort()
          .at(-1) ?? null;
      return {
        calls: rows.reduce((n, r) => n + Number(r.calls), 0),
        errors: rows.reduce((n, r) => n + Number(r.errors), 0),
        lastCalledAt: last,
        byTool,
      };
    },
  };
}
