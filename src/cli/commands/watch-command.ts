// `notion-sync watch [source…]`: keeps the folders of sources with a folder target in sync — a
// save is pushed (scan → pull → push → export) once the folder has been quiet for a moment.
// Runs until SIGINT or SIGTERM; a sync under way finishes first.
import type { Command } from 'commander';
import { NotionSyncError } from '../../errors.ts';
import type { CliContext } from '../context.ts';
import { withEngine } from '../open-engine.ts';
import { waitForSignal } from '../wait-for-signal.ts';
import { targetFailure, targetLines } from './target-report.ts';

export function registerWatchCommand(program: Command, context: () => CliContext): void {
  program
    .command('watch')
    .description(
      'watch the folders of sources with a folder target and sync each save (Ctrl-C stops)',
    )
    .argument('[source...]', 'names of sources from the config (default: every folder target)')
    .action(async (names: string[]) => {
      const ctx = context();
      await withEngine(ctx, async ({ engine }) => {
        const watch = await engine.watch(names, {
          trigger: 'cli',
          onNotice: (m) => ctx.err(`notice: ${m}`),
          onSync: (_names, { result, error }) => {
            if (error) {
              ctx.err(`error: ${error instanceof Error ? error.message : String(error)}`);
              return;
            }
            if (!result) return;
            if (ctx.json) ctx.printJson({ ok: result.ok, targets: result.targets ?? [] });
            else for (const line of targetLines(result.targets ?? [])) ctx.out(line);
            const failure = targetFailure(result.targets ?? []);
            if (failure instanceof NotionSyncError) ctx.err(`error: ${failure.message}`);
          },
        });
        await watch.ready;
        ctx.err('watching the folders (Ctrl-C stops)');
        const signal = await waitForSignal();
        ctx.err(`${signal}: stopping`);
        await watch.close();
      });
    });
}
