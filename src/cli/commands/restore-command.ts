import type { Command } from 'commander';
import { NotionSyncError } from '../../errors.ts';
import type { RestorePlan, RestoreResult, RestoreTarget } from '../../sync/index.ts';
import { writableChanges } from '../../sync/index.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { formatValue } from '../format.ts';
import { ExitStatus } from '../main.ts';
import { withEngine } from '../open-engine.ts';

interface RestoreFlags {
  toVersion?: string;
  asOf?: string;
  dryRun?: boolean;
  yes?: boolean;
}

const NO_CONTENT = 'Page content is not restored (properties and trash state are).';

function targetOf(ref: string, flags: RestoreFlags): RestoreTarget {
  if ((flags.toVersion === undefined) === (flags.asOf === undefined)) {
    throw new NotionSyncError(
      'usage',
      'Give exactly one of --to-version N (with a page id or URL) or --as-of <ISO time> (with a source name).',
    );
  }
  if (flags.asOf !== undefined) return { source: ref, asOf: flags.asOf };
  const seq = Number(flags.toVersion);
  if (!Number.isInteger(seq) || seq < 1) {
    throw new NotionSyncError(
      'usage',
      `--to-version "${flags.toVersion}" is not a version number; see \`notion-sync history ${ref}\`.`,
    );
  }
  return { page: ref, toVersion: seq };
}

function planText(plan: RestorePlan): string {
  const changes = plan.changes;
  if (changes.length === 0) return `Nothing to restore: Notion already matches. ${NO_CONTENT}`;
  const at = plan.asOf ? `as of ${plan.asOf}` : `to version ${plan.toVersion}`;
  const lines = [`Restore ${plan.source} ${at} — ${changes.length} page(s):`];
  for (const c of changes.slice(0, 50)) {
    const props = c.properties
      .map((p) => `${p.name}: ${formatValue(p.now)} → ${formatValue(p.restored)}`)
      .join(', ');
    const what =
      c.action === 'impossible'
        ? 'cannot restore (gone for good in Notion, 404)'
        : c.action === 'pending_edit'
          ? 'update after its waiting local edit is pushed'
          : c.action;
    lines.push(`  ${c.pageId} ${what}${props ? ` ${props}` : ''}`);
  }
  if (changes.length > 50) lines.push(`  … and ${changes.length - 50} more (--json lists all)`);
  lines.push(NO_CONTENT);
  return lines.join('\n');
}

function doneText(result: RestoreResult): string {
  const counts = result.push?.counts;
  return `Restored through run #${result.runId} (trigger restore): ${counts?.updated ?? 0} updated, ${counts?.deleted ?? 0} trashed, ${counts?.conflicts ?? 0} conflicts.`;
}

export function registerRestoreCommand(program: Command, context: () => CliContext): void {
  program
    .command('restore')
    .description('put a source back to a point in time, or a page back to a version, in Notion')
    .argument('<page-or-source>', 'a page id or URL (--to-version) or a source name (--as-of)')
    .option('--to-version <n>', 'the version of the page to restore (see `history`)')
    .option('--as-of <time>', 'the ISO time to restore the source to')
    .option('--dry-run', 'print the plan and change nothing (exit 4 when there is something to do)')
    .option('--yes', 'apply without asking')
    .action(async (ref: string, flags: RestoreFlags) => {
      const ctx = context();
      const target = targetOf(ref, flags);
      const result = await withEngine(ctx, async ({ engine }) => {
        const planned = await engine.restore(target, { dryRun: true });
        if (!ctx.json) ctx.out(planText(planned.plan));
        const pending = writableChanges(planned.plan).length > 0;
        const go =
          !flags.dryRun &&
          pending &&
          (flags.yes || (await confirm(ctx, 'Write this restore to Notion?')));
        if (!go) {
          if (go === undefined && !flags.dryRun)
            ctx.err('Nothing changed: run again with --yes to write the restore to Notion.');
          return planned;
        }
        return engine.restore(target);
      });
      if (ctx.json) ctx.printJson(result);
      else if (result.applied) ctx.out(doneText(result));
      if (!result.applied && writableChanges(result.plan).length > 0) throw new ExitStatus(4);
    });
}
