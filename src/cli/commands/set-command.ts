import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { withEngine } from '../open-engine.ts';
import { parseEditArguments } from './edit-values.ts';

export function registerSetCommand(program: Command, context: () => CliContext): void {
  program
    .command('set')
    .description(
      'edit a row locally (pushed by `push` or `sync`): set <source> <page id|key> Prop=value …',
    )
    .argument('<source>', 'source name from the config')
    .argument('<row>', 'page id or URL, or the local key `new` printed')
    .argument('<assignments...>', 'Prop=value pairs (empty value clears)')
    .action(async (source: string, row: string, assignments: string[]) => {
      const ctx = context();
      const edit = await withEngine(ctx, async ({ engine, store }) =>
        engine.records.update(
          source,
          row,
          await parseEditArguments(store, ctx.config().sources, source, assignments, ctx.io.cwd),
        ),
      );
      if (ctx.json) ctx.printJson({ recordId: edit.record.id, outboxId: edit.outboxId });
      else if (!ctx.quiet)
        ctx.out(
          `Queued edit of ${edit.record.pageId ?? edit.record.localKey} (outbox #${edit.outboxId}); run \`notion-sync push ${source}\`.`,
        );
    });
}
