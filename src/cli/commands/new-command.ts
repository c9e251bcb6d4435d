import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { withEngine } from '../open-engine.ts';
import { parseEditArguments } from './edit-values.ts';

export function registerNewCommand(program: Command, context: () => CliContext): void {
  program
    .command('new')
    .description('create a row locally (created in Notion by `push`): new <source> Prop=value …')
    .argument('<source>', 'source name from the config')
    .argument('<assignments...>', 'Prop=value pairs')
    .action(async (source: string, assignments: string[]) => {
      const ctx = context();
      const edit = await withEngine(ctx, async ({ engine, store }) =>
        engine.records.create(
          source,
          await parseEditArguments(store, ctx.config().sources, source, assignments, ctx.io.cwd),
        ),
      );
      if (ctx.json)
        ctx.printJson({
          recordId: edit.record.id,
          key: edit.record.localKey,
          outboxId: edit.outboxId,
        });
      else if (!ctx.quiet)
        ctx.out(
          `Queued new row ${edit.record.localKey} (outbox #${edit.outboxId}); run \`notion-sync push ${source}\`.`,
        );
    });
}
