import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { withEngine } from '../open-engine.ts';

export function registerRmCommand(program: Command, context: () => CliContext): void {
  program
    .command('rm')
    .description(
      "delete a row locally (moved to Notion's trash by `push`): rm <source> <page id|key>",
    )
    .argument('<source>', 'source name from the config')
    .argument('<row>', 'page id or URL, or the local key')
    .action(async (source: string, row: string) => {
      const ctx = context();
      const edit = await withEngine(ctx, ({ engine }) => engine.records.delete(source, row));
      if (ctx.json)
        ctx.printJson({
          recordId: edit.record.id,
          outboxId: edit.outboxId,
          cancelled: edit.cancelled === true,
        });
      else if (ctx.quiet) return;
      else if (edit.cancelled)
        ctx.out(
          `Removed ${edit.record.localKey} locally: it was never pushed, so its create is cancelled and Notion is not touched (its history keeps the values).`,
        );
      else
        ctx.out(
          `Queued delete of ${edit.record.pageId ?? edit.record.localKey} (outbox #${edit.outboxId}); run \`notion-sync push ${source}\`.`,
        );
    });
}
