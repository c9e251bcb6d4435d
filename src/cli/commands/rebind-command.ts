import type { Command } from 'commander';
import { detachedSourceName } from '../../store/index.ts';
import type { CliContext } from '../context.ts';
import { ExitStatus } from '../main.ts';
import { withEngine } from '../open-engine.ts';

/** Exit status of a plan that was shown but not applied (DESIGN.md §8). */
const EXIT_PLAN = 4;

export function registerRebindCommand(program: Command, context: () => CliContext): void {
  program
    .command('rebind')
    .description(
      'start a fresh history for a source whose database changed (the old records are kept, detached)',
    )
    .argument('<source>', 'name of a source from the config')
    .option('--yes', 'apply; without it, only say what would happen')
    .action(async (name: string, options: { yes?: boolean }) => {
      const ctx = context();
      const outcome = await withEngine(ctx, async ({ engine, store }) => {
        if (options.yes) return { applied: await engine.rebind(name, { trigger: 'cli' }) };
        const source = await store.sources.getByName(name);
        const records = source ? (await store.records.count(source.id)).live : 0;
        return { plan: source ? { source, records } : null };
      });
      if ('applied' in outcome) {
        const { detached } = outcome.applied;
        if (ctx.json) ctx.printJson(outcome.applied);
        else if (!detached) ctx.out(`Source "${name}" has no history yet: nothing to rebind.`);
        else {
          ctx.out(
            `Rebound "${name}": its old history (${detached.records} records) is kept as ` +
              `detached source "${detached.detachedName}"; the next \`notion-sync pull ${name}\` ` +
              'starts a fresh history.' +
              (detached.pendingOutbox > 0
                ? ` ${detached.pendingOutbox} local edit(s) that were never pushed stay with the detached source.`
                : ''),
          );
        }
        return;
      }
      const { plan } = outcome;
      if (!plan) {
        ctx.out(`Source "${name}" has no history yet: nothing to rebind.`);
        return;
      }
      ctx.out(
        `rebind ${name}: the history of Notion object ${plan.source.notionId} (${plan.records} ` +
          `live records) would be kept as detached source "${detachedSourceName(name, plan.source.id)}", ` +
          `and the next pull would start a fresh history. Run \`notion-sync rebind ${name} --yes\` to apply.`,
      );
      throw new ExitStatus(EXIT_PLAN);
    });
}
