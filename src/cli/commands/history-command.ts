import type { Command } from 'commander';
import type { HistoryResult } from '../../sync/index.ts';
import type { CliContext } from '../context.ts';
import { formatValue } from '../format.ts';
import { withEngine } from '../open-engine.ts';

/** `property:<id>:<n>` as `Name[n]`; icon, cover and `content:<n>` as they are. */
export function slotLabel(slot: string, names: Record<string, string>): string {
  const m = /^property:(.+):(\d+)$/.exec(slot);
  return m ? `${names[m[1]!] ?? m[1]}[${m[2]}]` : slot;
}

function describe(result: HistoryResult, diff: boolean): string[] {
  const lines = [
    `${result.pageId} in ${result.source}${result.tombstone ? ` (${result.tombstone})` : ''}`,
  ];
  for (const entry of result.versions) {
    const v = entry.version;
    const origin = [v.origin, v.trigger, v.runId !== null ? `run ${v.runId}` : null]
      .filter(Boolean)
      .join(', ');
    lines.push(
      `  v${v.seq}  ${v.createdAt}  ${origin}${v.notionLastEditedTime ? `  (edited in Notion ${v.notionLastEditedTime})` : ''}`,
    );
    for (const file of entry.files)
      lines.push(
        `      file ${slotLabel(file.slot, result.names)} ${file.name}: ${file.hash ? `sha256 ${file.hash}` : file.state}`,
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
