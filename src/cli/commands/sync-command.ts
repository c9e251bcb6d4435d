import type { Command } from 'commander';
import { NotionSyncError } from '../../errors.ts';
import { createConflictPrompt } from '../conflict-prompt.ts';
import type { CliContext } from '../context.ts';
import { withEngine } from '../open-engine.ts';
import { conflictLines, finishPush, pushSummary, waitingLines } from '../push-report.ts';
import { pullResultJson } from './pull-command.ts';
import { targetFailure, targetLines } from './target-report.ts';

export function registerSyncCommand(program: Command, context: () => CliContext): void {
  program
    .command('sync')
    .description('pull, merge and push the sources with `direction: both` (or the ones named)')
    .argument('[source...]', 'names of sources from the config')
    .action(async (names: string[]) => {
      const ctx = context();
      const prompt = createConflictPrompt(ctx);
      const result = await withEngine(ctx, ({ engine }) =>
        engine
          .sync(names, {
            trigger: 'cli',
            signal: ctx.runSignal(),
            onNotice: (m) => ctx.err(`notice: ${m}`),
            ...(prompt ? { onConflict: prompt.ask } : {}),
          })
          .finally(() => prompt?.close()),
      );
      if (ctx.json)
        ctx.printJson({
          ok: result.ok,
          pull: pullResultJson(result.pull),
          push: result.push,
          openConflicts: result.openConflicts,
          targets: result.targets ?? [],
        });
      else if (!ctx.quiet) {
        for (const line of targetLines(result.targets ?? [])) ctx.out(line);
        ctx.out([pushSummary(result.push), ...waitingLines(result.push)].join('\n'));
        const lines = conflictLines(result.push);
        if (lines.length > 0) ctx.out(['Conflicts parked:', ...lines].join('\n'));
      }
      const failedPull = result.pull.sources.filter((r) => r.status !== 'ok');
      const pullFailure =
        failedPull.length === 0
          ? targetFailure(result.targets ?? [])
          : new NotionSyncError(
              failedPull[0]!.errors[0]?.code === 'access_lost' ? 'access_lost' : 'internal',
              failedPull
                .map(
                  (r) =>
                    `${r.source}: pull ${r.status}: ${r.errors.map((e) => e.message).join('; ')} (not pushed)`,
                )
                .join('\n'),
            );
      finishPush(ctx, result.push, pullFailure);
    });
}
