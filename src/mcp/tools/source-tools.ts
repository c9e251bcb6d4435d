// list_sources, status and sync: what is mirrored, how fresh it is, and a way to refresh it.
// Reads never touch Notion; `sync` goes through the injected runner with trigger `mcp`.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { SourceStatus } from '../../sync/index.ts';
import { findSource } from '../lookup.ts';
import type { RunJobProgress } from '../mcp-options.ts';
import { json, registerTool, type ToolContext, type ToolExtra } from '../tool-kit.ts';

const DAY_MS = 86_400_000;

function lastRunOf(status: SourceStatus) {
  const run = status.lastRun;
  return run
    ? {
        id: run.id,
        kind: run.kind,
        trigger: run.trigger,
        status: run.status,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
      }
    : null;
}

async function statusOf(ctx: ToolContext) {
  const statuses = await ctx.engine.status();
  const pending = await ctx.store.staged.list({ state: 'pending' });
  const sources = statuses.map((s) => ({
    name: s.name,
    lastRun: lastRunOf(s),
    result: s.lastRun?.status ?? 'never run',
    lastError: s.lastRun?.errors[0]?.message ?? null,
    nextScheduledRun: ctx.nextScheduledRun?.(s.name) ?? null,
    openConflicts: s.openConflicts,
    coverageGaps: s.gaps,
    outbox: { pending: s.outbox.pending, dead: s.outbox.dead.length },
    stagedPending: pending.filter((p) => p.sourceId === s.source?.id).length,
    access: s.source?.accessState ?? null,
  }));
  const since = new Date(ctx.now() - DAY_MS).toISOString();
  return { sources, mcpActivityLast24h: await ctx.store.mcpCalls.activity(since) };
}

function progressNotifier(extra: ToolExtra) {
  const token = extra._meta?.progressToken;
  if (token === undefined) return undefined;
  return (p: RunJobProgress) => {
    void extra
      .sendNotification({
        method: 'notifications/progress',
        params: {
          progressToken: token,
          progress: p.progress,
          ...(p.total ? { total: p.total } : {}),
          message: p.message,
        },
      })
      .catch(() => {});
  };
}

export function registerSourceTools(server: McpServer, ctx: ToolContext): void {
  registerTool(
    server,
    ctx,
    'list_sources',
    {
      description:
        'List the Notion sources mirrored locally: name, kind (database or page tree), sync direction, row counts and the last run. Answers from the local copy; no Notion call. Start here to learn the source names other tools take.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    async () => {
      const statuses = await ctx.engine.status();
      const sources = statuses.map((s) => ({
        name: s.name,
        kind: s.config.page ? 'page_tree' : 'data_source',
        direction: s.config.direction ?? 'pull',
        notionId: s.source?.notionId ?? null,
        view: s.source?.viewName ?? null,
        rows: s.rows,
        properties: Object.values(s.source?.schema.properties ?? {}).map((p) => ({
          name: p.name,
          type: p.type,
        })),
        lastRun: lastRunOf(s),
      }));
      const text = sources
        .map(
          (s) =>
            `${s.name} (${s.kind}, ${s.direction}): ${s.rows.live} rows; last run ${s.lastRun ? `${s.lastRun.status} at ${s.lastRun.finishedAt ?? s.lastRun.startedAt}` : 'never'}; properties: ${s.properties.map((p) => `${p.name} (${p.type})`).join(', ')}`,
        )
        .join('\n');
      return { text: text || 'No sources configured.', data: { sources } };
    },
  );

  registerTool(
    server,
    ctx,
    'status',
    {
      description:
        'Health of each source: last run and its result, next scheduled run, open conflicts, coverage gaps, outbox and staged edits waiting; plus MCP activity of the last 24 hours. No Notion call.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    async () => {
      const data = await statusOf(ctx);
      return { text: json(data), data };
    },
  );

  registerTool(
    server,
    ctx,
    'sync',
    {
      description:
        'Refresh the local copy from Notion (action "pull"), send approved local edits to Notion ("push"), or both ("sync"), for one source or all. Waits for the run and returns its summary; long runs send progress notifications. Costs Notion API calls (3 requests/s); reads do not need it.',
      inputSchema: {
        action: z
          .enum(['pull', 'push', 'sync'])
          .describe('pull: Notion → local; push: local → Notion; sync: both'),
        source: z.string().max(200).optional().describe('source name (all sources when omitted)'),
      },
    },
    async ({ action, source }, extra) => {
      if (source !== undefined) {
        const configured = ctx.sources.some((s) => s.name === source);
        if (!configured) await findSource(ctx, source);
      }
      const onProgress = progressNotifier(extra);
      const summary = await ctx.runJob(action, source, {
        trigger: 'mcp',
        ...(onProgress ? { onProgress } : {}),
      });
      return { text: json(summary), data: summary };
    },
  );
}
