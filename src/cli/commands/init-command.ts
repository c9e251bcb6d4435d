import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { InitPlan, InitResult } from '../../sync/index.ts';
import { isPlanPending } from '../../sync/index.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { ExitStatus } from '../main.ts';
import { withEngine } from '../open-engine.ts';

interface InitFlags {
  plan?: boolean;
  yes?: boolean;
  force?: boolean;
  fromTable?: boolean;
}

/** The derived schemas as YAML a user can paste under `sources:` and commit. */
function schemaYaml(schemas: NonNullable<InitResult['schemas']>): string {
  const sources = Object.entries(schemas).map(([name, schema]) => ({ name, schema }));
  return `# Schema derived from the target tables (paste into the sources to commit it):\n${stringify({ sources })}`;
}

function planText(plan: InitPlan): string {
  if (!isPlanPending(plan)) return 'No changes: every declared schema matches Notion.';
  const line = (s: InitPlan['changes'][number]) => `  ${s.source}: ${s.detail} — ${s.effect}`;
  const lines: string[] = [];
  if (plan.changes.length > 0)
    lines.push(`Changes (${plan.changes.length}):`, ...plan.changes.map(line));
  if (plan.destructive.length > 0)
    lines.push(
      `Destructive, applied only with --force (${plan.destructive.length}):`,
      ...plan.destructive.map(line),
    );
  return lines.join('\n');
}

function appliedText(result: InitResult): string {
  const lines = [`Applied ${result.appliedSteps.length} step(s).`];
  for (const s of result.plan.sources)
    if (s.dataSourceId)
      lines.push(`  ${s.source}: database ${s.databaseId}, data source ${s.dataSourceId}`);
  if (result.rebound.length > 0)
    lines.push(
      `Rebound to the new database (old history kept, detached): ${result.rebound.join(', ')}`,
    );
  if (result.skipped.length > 0)
    lines.push(
      `Left out ${result.skipped.length} destructive step(s): run again with --force to apply them.`,
    );
  return lines.join('\n');
}

export function registerInitCommand(program: Command, context: () => CliContext): void {
  program
    .command('init')
    .description('create or update Notion databases from the declared `schema:` (plan, then apply)')
    .argument('[source...]', 'sources with a `schema:` (all of them when omitted)')
    .option('--plan', 'print the plan and change nothing (exit 4 when changes are pending)')
    .option('--yes', 'apply without asking')
    .option('--force', 'apply destructive steps too (removed properties, lossy type changes)')
    .option(
      '--from-table',
      "derive each schema from the source's target table (explicit `schema:` entries win) and print it as YAML",
    )
    .action(async (names: string[], flags: InitFlags) => {
      const ctx = context();
      const result = await withEngine(ctx, async ({ engine }) => {
        const derive = flags.fromTable ? { fromTable: true } : {};
        const planned = await engine.init(names, { plan: true, ...derive });
        const pending = isPlanPending(planned.plan);
        if (!ctx.json && planned.schemas) ctx.out(schemaYaml(planned.schemas));
        if (!ctx.json) ctx.out(planText(planned.plan));
        const go =
          !flags.plan &&
          pending &&
          (flags.yes || (await confirm(ctx, 'Apply this plan to Notion?')));
        if (!go) {
          if (ctx.json) ctx.printJson(planned);
          if (go === undefined && !flags.plan)
            ctx.err('Nothing changed: run `notion-sync init --yes` to apply the plan.');
          return planned;
        }
        const applied = await engine.init(names, {
          ...derive,
          ...(flags.force ? { force: true } : {}),
        });
        if (ctx.json) ctx.printJson(applied);
        else ctx.out(appliedText(applied));
        return applied;
      });
      if (!result.applied && isPlanPending(result.plan)) throw new ExitStatus(4);
    });
}
