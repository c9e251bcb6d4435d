import type { Command } from 'commander';
import { fileSlotLabel, type HistoryResult } from '../../sync/index.ts';
import type { CliContext } from '../context.ts';
import { formatValue } from '../format.ts';
import { withEngine } from '../open-engine.ts';

const ORIGINS: Record<string, string> = {
  notion: 'pulled from Notion',
  local: 'local edit',
  push: 'pushed to Notion',
};

/** `local edit via cli`, `pulled from Notion via schedule, run 12`: what made the version. */
function describeOrigin(v: HistoryResult['versions'][number]['version']): string {
  const what = ORIGINS[v.origin] ?? v.origin;
  // Versions stored before triggers were recorded say `local` again: nothing to add.
  const via = v.trigger && v.trigger !== v.origin ? ` via ${v.trigger}` : '';
  return `${what}${via}${v.runId !== null ? `, run ${v.runId}` : ''}`;
}

function describe(result: HistoryResult, diff: boolean): string[] {
  const lines = [
    `${result.pageId} in ${result.source}${result.tombstone ? ` (${result.tombstone})` : ''}`,
  ];
  for (const entry of result.versions) {
    const v = entry.version;
    const origin = describeOrigin(v);
    lines.push(
      `  v${v.seq}  ${v.createdAt}  ${origin}${v.notionLastEditedTime ? `  (edited in Notion ${v.notionLastEditedTime})` : ''}`,
    );
    for (const file of entry.files)
      lines.push(
        `      file ${fileSlotLabel(file.slot, result.names)} ${file.name}: ${file.hash ? `sha256 ${file.hash}` : file.state}`,
      );
    if (!diff) continue;
    if (!entry.changes) {
      for (const [id, value] of Object.entries(v.fields))
        lines.push(`      ${result.names[id] ?? id}: ${formatValue(value)}`);
      continue;
    }
    for (const change of entry.changes)
      lines.push(
        `      ${change.name}: ${formatValue(change.before)} → ${formatValue(change.after)}`,
      );
    if (entry.contentChanged) lines.push('      (content changed)');
    if (entry.changes.length === 0 && !entry.contentChanged)
      lines.push('      (no property change)');
  }
  return lines;
}

export function registerHistoryCommand(program: Command, context: () => CliContext): void {
  program
    .command('history')
    .description('every stored version of a page: time, origin and (with --diff) what changed')
    .argument('<page>', 'Notion page id or URL')
    .option('--diff', 'show what changed in each version')
    .action(async (page: string, options: { diff?: boolean }) => {
      const ctx = context();
      const results = await withEngine(ctx, ({ engine }) =>
        engine.history(page, { diff: options.diff === true }),
      );
      if (ctx.json) ctx.printJson({ records: results });
      else ctx.out(results.flatMap((r) => describe(r, options.diff === true)).join('\n'));
    });
}
