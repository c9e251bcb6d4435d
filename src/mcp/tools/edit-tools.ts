// stage_edit, stage_create, stage_delete, approve_staged, conflicts and resolve_conflict. Staged
// edits wait in their own table; only an approval (CLI `staged approve`, the console, or
// approve_staged when the server allows it) makes them local edits that push sends to Notion.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { PlainValue } from '../../notion/index.ts';
import type { JsonValue, StagedOp } from '../../store/index.ts';
import { createStagedEdits, parsePropertyText, type StagedEditsApi } from '../../sync/index.ts';
import { findSource } from '../lookup.ts';
import { json, registerTool, type ToolContext } from '../tool-kit.ts';

const valuesSchema = z
  .record(z.string().max(200), z.unknown())
  .describe(
    'property name → value: text for title/rich_text/select/status/url/email/phone, a number, true/false, a list of names for multi_select, {"start":"2026-01-31"} or "2026-01-31" for dates, page/user ids for relation/people; null clears',
  );

/** Values as an agent wrote them → plain values: text for non-text types parses like `set`. */
async function plainValues(ctx: ToolContext, sourceName: string, values: Record<string, unknown>) {
  const source = await findSource(ctx, sourceName);
  const byName = new Map(Object.values(source.schema.properties).map((p) => [p.name, p]));
  const out: Record<string, JsonValue> = {};
  for (const [name, value] of Object.entries(values)) {
    const property = byName.get(name) ?? source.schema.properties[name];
    out[name] =
      property && typeof value === 'string' && !['title', 'rich_text'].includes(property.type)
        ? (parsePropertyText(property, value) as JsonValue)
        : (value as JsonValue);
  }
  return out;
}

function stagedText(edit: Awaited<ReturnType<StagedEditsApi['get']>>): string {
  return `Staged #${edit.id}: ${edit.op} in ${edit.source}${edit.pageId ? ` of ${edit.pageId}` : ''} — waiting for approval (\`notion-sync staged approve ${edit.id}\`). Nothing reaches Notion until then.`;
}

export function registerEditTools(server: McpServer, ctx: ToolContext): void {
  const staged = createStagedEdits({
    store: ctx.store,
    sources: ctx.sources,
    records: ctx.engine.records,
  });
  const note = z.string().max(2000).optional().describe('why: shown to the person approving');
  const source = z.string().max(200).describe('source name (direction push or both)');
  const row = z.string().max(500).describe('page id or URL of the row');

  /** Stages what a stage_* tool was called with (values parsed like `set`). */
  const stage = async (
    op: StagedOp,
    a: {
      source: string;
      row?: string;
      values?: Record<string, unknown>;
      note?: string | undefined;
    },
  ) => {
    const edit = await staged.stage({
      source: a.source,
      op,
      ...(a.row !== undefined ? { row: a.row } : {}),
      ...(a.values ? { values: await plainValues(ctx, a.source, a.values) } : {}),
      ...(a.note ? { note: a.note } : {}),
      stagedBy: 'mcp',
    });
    return { text: stagedText(edit), data: { staged: edit } };
  };
  const staging = [
    [
      'stage_edit',
      'update',
      'Propose new property values for a row. The change is only staged: it is checked like a local edit, kept apart (not in query results, not in Notion) and applied only when a person approves it.',
      { source, row, values: valuesSchema, note },
    ],
    [
      'stage_create',
      'create',
      'Propose a new row. Staged only: created locally and in Notion after a person approves it.',
      { source, values: valuesSchema, note },
    ],
    [
      'stage_delete',
      'delete',
      'Propose moving a row to the Notion trash. Staged only: applied after a person approves it.',
      { source, row, note },
    ],
  ] as const;
  for (const [name, op, description, inputSchema] of staging) {
    registerTool(server, ctx, name, { description, inputSchema }, (a) => stage(op, a));
  }

  if (ctx.allowAgentApprove) {
    registerTool(
      server,
      ctx,
      'approve_staged',
      {
        description:
          'Approve a staged edit: it becomes a local edit that the next push (sync tool, action "push") sends to Notion. Enabled because the server was started with --allow-agent-approve.',
        inputSchema: { id: z.number().int().positive().describe('staged edit id') },
      },
      async ({ id }) => {
        const { staged: edit, edit: local } = await staged.approve(id, 'mcp');
        return {
          text: `Approved #${id}: queued as outbox item ${local.outboxId}; push sends it.`,
          data: { staged: edit, outboxId: local.outboxId },
        };
      },
    );
  }

  registerTool(
    server,
    ctx,
    'conflicts',
    {
      description:
        'Open conflicts: properties changed differently in Notion and locally since the last sync, with the base, Notion and local values.',
      inputSchema: { source: z.string().max(200).optional() },
      annotations: { readOnlyHint: true },
    },
    async (a) => {
      if (a.source) await findSource(ctx, a.source);
      const list = await ctx.engine.conflicts.list(a.source ? { source: a.source } : {});
      const conflicts = list.map((c) => ({
        id: c.conflict.id,
        source: c.source,
        pageId: c.pageId,
        property: c.conflict.propertyName,
        base: c.conflict.baseValue,
        notion: c.conflict.notionValue,
        local: c.conflict.localValue,
      }));
      return {
        text: conflicts.length === 0 ? 'No open conflicts.' : json(conflicts),
        data: { conflicts },
      };
    },
  );

  registerTool(
    server,
    ctx,
    'resolve_conflict',
    {
      description:
        'Resolve a conflict: take the Notion value, the local value, or a new value. A local or new value is queued as a local edit for the next push.',
      inputSchema: {
        id: z.number().int().positive(),
        take: z.enum(['notion', 'local', 'value']),
        value: z
          .unknown()
          .optional()
          .describe('the value when take is "value" (text parses like the CLI)'),
      },
    },
    async (a) => {
      const choice =
        a.take === 'value'
          ? {
              take: 'value' as const,
              value: (typeof a.value === 'string' ? a.value : (a.value ?? null)) as PlainValue,
            }
          : { take: a.take };
      const resolved = await ctx.engine.conflicts.resolve(a.id, choice, 'mcp');
      return {
        text: `Conflict ${a.id} resolved (${a.take}).`,
        data: { conflict: resolved.conflict },
      };
    },
  );
}
