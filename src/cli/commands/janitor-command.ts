import type { Command } from 'commander';
import type { JanitorReport } from '../../sync/index.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { withEngine } from '../open-engine.ts';

interface JanitorFlags {
  dryRun?: boolean;
  yes?: boolean;
}

function reportText(r: JanitorReport): string {
  const would = r.dryRun ? 'would prune' : 'pruned';
  const lines = [r.dryRun ? 'janitor (dry run: nothing changed)' : 'janitor'];
  for (const v of r.versions) {
    const policy = [
      v.keepVersions !== null ? `keepVersions ${v.keepVersions}` : '',
      v.keepDays !== null ? `keepDays ${v.keepDays}` : '',
    ].filter(Boolean);
    lines.push(`  versions of ${v.source}: ${would} ${v.pruned} (${policy.join(', ')})`);
  }
  if (r.versions.length === 0) lines.push('  versions: no source sets `retention:` (all kept)');
  lines.push(`  runs: ${would} ${r.runs}`, `  webhook events: ${would} ${r.webhookEvents}`);
  lines.push(
    `  dead letters: ${r.deadLetters.length}${r.deadLetters.length > 0 ? ' (handle them with `notion-sync outbox list --state dead`: requeue, edit or drop)' : ''}`,
  );
  for (const d of r.deadLetters.slice(0, 10))
    lines.push(`    #${d.item.id} ${d.source} ${d.item.op}: ${d.item.lastError ?? ''}`);
  lines.push(`  duplicate pages: ${r.duplicates.length} group(s)`);
  for (const g of r.duplicates)
    lines.push(
      `    ${g.source} key ${g.syncKey}: keep ${g.keep}, ${g.trashed ? 'trashed' : 'extra'} ${g.extras.join(', ')}`,
    );
  lines.push(
    `  stored files no version refers to: ${would} ${r.files.removed}${r.files.bytes > 0 ? ` (${r.files.bytes} bytes)` : ''}`,
  );
  lines.push(`  orphans: ${r.orphans.length === 0 ? 'none' : ''}`);
  for (const o of r.orphans)
    lines.push(`    ${o.source}: ${o.records} records (no configured source has this name)`);
  if (r.maintenance.length > 0) lines.push(`  maintenance: ${r.maintenance.join(', ')}`);
  for (const e of r.errors) lines.push(`  error (${e.source}): ${e.message}`);
  return lines.join('\n');
}

export function registerJanitorCommand(program: Command, context: () => CliContext): void {
  program
    .command('janitor')
    .description(
      'housekeeping: version retention, old runs and webhook events, dead letters, duplicate pages, orphans',
    )
    .option('--dry-run', 'report what would be done; change nothing')
    .option('--yes', 'trash the extra duplicate pages without asking')
    .action(async (flags: JanitorFlags) => {
      const ctx = context();
      let printed = false;
      const report = await withEngine(ctx, async ({ engine }) => {
        const dryRun = flags.dryRun === true;
        const first = await engine.janitor({
          dryRun,
          trashDuplicates: !dryRun && flags.yes === true,
        });
        const extras = first.duplicates.filter((g) => !g.trashed);
        if (dryRun || extras.length === 0 || flags.yes) return first;
        if (!ctx.json) ctx.out(reportText(first));
        printed = true;
        const go = await confirm(
          ctx,
          `Trash ${extras.flatMap((g) => g.extras).length} duplicate page(s)?`,
        );
        if (!go) {
          if (go === undefined && !ctx.json)
            ctx.err('Duplicates left alone: run `notion-sync janitor --yes` to trash the extras.');
          return first;
        }
        printed = false;
        return engine.janitor({ trashDuplicates: true, trigger: 'cli' });
      });
      if (ctx.json) ctx.printJson(report);
      else if (!printed) ctx.out(reportText(report));
    });
}
