import type { Command } from 'commander';
import type { PushResult } from '../../sync/index.ts';
import { createConflictPrompt } from '../conflict-prompt.ts';
import type { CliContext } from '../context.ts';
import { formatValue } from '../format.ts';
import { offerInit, sourcesNeedingInit } from '../offer-init.ts';
import { withEngine } from '../open-engine.ts';
import { conflictLines, finishPush, pushSummary, waitingLines } from '../push-report.ts';

interface PushFlags {
  force?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  retryDead?: boolean;
}

function dryRunText(result: PushResult, rps: number): string {
  const lines: string[] = [];
  let total = 0;
  for (const r of result.sources) {
    for (const p of r.planned) {
      lines.push(
        `  ${r.source} #${p.outboxId} ${p.op} ${p.pageId ?? '(new page)'} ${Object.entries(p.values)
          .map(([k, v]) => `${k}=${formatValue(v)}`)
          .join(' ')}`,
      );
    }
    total += r.estimate?.apiCalls ?? 0;
  }
  if (lines.length === 0) return 'Nothing to push.';
  return [
    `Planned writes (${lines.length}):`,
    ...lines,
    `Estimate: about ${total} API calls, ${Math.ceil(total / rps)} s at ${rps} requests/s (merges may add conflict checks).`,
  ].join('\n');
}

export function registerPushCommand(program: Command, context: () => CliContext): void {
  program
    .command('push')
    .description(
      'send local edits to Notion with a per-property merge (push sources, or the ones named)',
    )
    .argument('[source...]', 'names of sources from the config')
    .option('--force', 'local wins every conflict of this run (lists what it overwrites first)')
    .option('--yes', 'with --force: skip the listing')
    .option(
      '--dry-run',
      'print the planned writes with an API-call and time estimate; change nothing',
    )
    .option('--retry-dead', 'requeue dead-lettered outbox items first')
    .action(async (names: string[], flags: PushFlags) => {
      const ctx = context();
      const rps = ctx.config().notion.requestsPerSecond;
      const onNotice = (m: string) => ctx.err(`notice: ${m}`);
      const result = await withEngine(ctx, async ({ engine }) => {
        if (flags.dryRun)
          return engine.push(names, {
            dryRun: true,
            requestsPerSecond: rps,
            ...(flags.retryDead ? { retryDead: true } : {}),
          });
        if (flags.force && !flags.yes) {
          const preview = await engine.push(names, { preview: true, force: true });
          const over = preview.sources.flatMap((r) => r.overwritten);
          ctx.err(
            over.length === 0
              ? 'push --force: no Notion value will be overwritten.'
              : `push --force overwrites ${over.length} Notion value(s):`,
          );
          for (const o of over)
            ctx.err(
              `  ${o.source} ${o.pageId ?? o.localKey} "${o.propertyName}": ${formatValue(o.notion)} → ${formatValue(o.local)}`,
            );
        }
        const prompt = createConflictPrompt(ctx);
        try {
          const pushed = await engine.push(names, {
            trigger: 'cli',
            signal: ctx.runSignal(),
            onNotice,
            ...(flags.force ? { force: true } : {}),
            ...(flags.retryDead ? { retryDead: true } : {}),
            ...(prompt ? { onConflict: prompt.ask } : {}),
          });
          prompt?.close();
          await offerInit(ctx, engine, sourcesNeedingInit(ctx.config().sources, pushed.sources));
          return pushed;
        } finally {
          prompt?.close();
        }
      });
      if (ctx.json) ctx.printJson(result);
      else if (flags.dryRun) ctx.out(dryRunText(result, rps));
      else if (!ctx.quiet) {
        ctx.out([pushSummary(result), ...waitingLines(result)].join('\n'));
        const lines = conflictLines(result);
        if (lines.length > 0) ctx.out(['Conflicts parked:', ...lines].join('\n'));
      }
      if (!flags.dryRun) finishPush(ctx, result);
    });
}
