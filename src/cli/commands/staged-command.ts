import type { Command } from 'commander';
import { NotionSyncError } from '../../errors.ts';
import { createStagedEdits, type StagedEditsApi, type StagedEditView } from '../../sync/index.ts';
import type { CliContext } from '../context.ts';
import { formatValue, renderTable } from '../format.ts';
import { type OpenEngine, withEngine } from '../open-engine.ts';

function table(edits: StagedEditView[]): string {
  if (edits.length === 0) return 'No staged edits.';
  return renderTable(
    ['id', 'state', 'source', 'op', 'row', 'values', 'by', 'note'],
    edits.map((e) => [
      e.id,
      e.error ? `${e.state} (last approval failed: ${e.error})` : e.state,
      e.source,
      e.op,
      e.pageId ?? e.localKey ?? '(new)',
      Object.entries(e.values)
        .map(([k, v]) => `${k}=${formatValue(v)}`)
        .join(', '),
      e.stagedBy,
      e.note ?? '',
    ]),
  );
}

function stagedId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0)
    throw new NotionSyncError(
      'usage',
      `"${text}" is not a staged edit id; list them with \`notion-sync staged list\`.`,
    );
  return id;
}

function stagedApi(ctx: CliContext, { engine, store }: OpenEngine) {
  return createStagedEdits({ store, sources: ctx.config().sources, records: engine.records });
}

/** Decides each id in order (ids are checked before any is decided); stops at the first failure. */
async function decideEach<T>(
  ctx: CliContext,
  ids: string[],
  decide: (api: StagedEditsApi, id: number) => Promise<T>,
): Promise<T[]> {
  const numbers = ids.map(stagedId);
  return withEngine(ctx, async (open) => {
    const api = stagedApi(ctx, open);
    const out: T[] = [];
    for (const id of numbers) out.push(await decide(api, id));
    return out;
  });
}

/** `notion-sync staged list|approve|reject`: decide on edits agents staged through MCP. */
export function registerStagedCommand(program: Command, context: () => CliContext): void {
  const staged = program
    .command('staged')
    .description('edits staged by agents (MCP): list, approve (queue for push) or reject');
  staged
    .command('list', { isDefault: true })
    .description('staged edits (default: pending ones)')
    .option('--all', 'include approved and rejected edits')
    .option('--source <name>', 'only this source')
    .action(async (flags: { all?: boolean; source?: string }) => {
      const ctx = context();
      const edits = await withEngine(ctx, (open) =>
        stagedApi(ctx, open).list({
          ...(flags.all ? {} : { state: 'pending' }),
          ...(flags.source ? { source: flags.source } : {}),
        }),
      );
      if (ctx.json) ctx.printJson({ staged: edits });
      else ctx.out(table(edits));
    });
  staged
    .command('approve')
    .description('turn staged edits into local edits; `push` sends them to Notion')
    .argument('<ids...>', 'staged edit ids')
    .action(async (ids: string[]) => {
      const ctx = context();
      const approved = await decideEach(ctx, ids, (api, id) => api.approve(id, 'cli'));
      if (ctx.json)
        ctx.printJson({
          approved: approved.map((a) => ({ id: a.staged.id, outboxId: a.edit.outboxId })),
        });
      else if (!ctx.quiet)
        for (const a of approved)
          ctx.out(
            `Approved #${a.staged.id}: queued as outbox #${a.edit.outboxId}; run \`notion-sync push ${a.staged.source}\`.`,
          );
    });
  staged
    .command('reject')
    .description('drop staged edits; nothing is written locally or to Notion')
    .argument('<ids...>', 'staged edit ids')
    .action(async (ids: string[]) => {
      const ctx = context();
      const rejected = await decideEach(ctx, ids, (api, id) => api.reject(id, 'cli'));
      if (ctx.json) ctx.printJson({ rejected: rejected.map((r) => r.id) });
      else if (!ctx.quiet) for (const r of rejected) ctx.out(`Rejected #${r.id}.`);
    });
}
