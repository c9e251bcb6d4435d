// What the MCP server is built from: everything injected, so `notion-sync mcp` (stdio), `serve`
// (Streamable HTTP at /mcp) and tests build the same server over their own engine and runner.
import type { SourceConfig } from '../config/index.ts';
import type { Clock, Logger } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import type { Engine } from '../sync/index.ts';

export type RunKind = 'pull' | 'push' | 'sync';

export interface RunJobProgress {
  /** One line for a person or a model: "tasks: 1,200 rows, 40 API calls". */
  message: string;
  progress: number;
  total?: number;
}

export interface RunJobOptions {
  trigger: 'mcp';
  onProgress?: (progress: RunJobProgress) => void;
}

/**
 * Starts a pull, push or sync of one source (all when `source` is undefined) and resolves with
 * its summary (JSON-safe). Leases apply: a busy source rejects with `source_busy`.
 */
export type RunJob = (
  kind: RunKind,
  source: string | undefined,
  options: RunJobOptions,
) => Promise<Record<string, unknown>>;

export interface McpLimits {
  /** Characters of Markdown one `get_page` answer holds at most by default (default 20,000). */
  pageBudgetChars: number;
  /** Rows a `query` answer holds at most (default 200). */
  maxRows: number;
  /** Time limit of one `sql` statement (default 5 s). */
  sqlTimeoutMs: number;
  /** Bytes of JSON arguments a call may carry (default 64 KiB). */
  maxArgumentBytes: number;
}

export interface McpServerOptions {
  engine: Engine;
  store: Store;
  /** The configured sources (names, kinds, directions). */
  sources: SourceConfig[];
  runJob: RunJob;
  /** Registers `approve_staged` (`notion-sync mcp --allow-agent-approve`). */
  allowAgentApprove?: boolean;
  /** When the runner will next run a source on schedule (null: no schedule). */
  nextScheduledRun?: (source: string) => string | null;
  limits?: Partial<McpLimits>;
  clock?: Clock;
  logger?: Logger;
}

export const DEFAULT_LIMITS: McpLimits = {
  pageBudgetChars: 20_000,
  maxRows: 200,
  sqlTimeoutMs: 5_000,
  maxArgumentBytes: 64 * 1024,
};
