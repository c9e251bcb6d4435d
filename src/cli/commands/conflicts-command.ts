import type { Command } from 'commander';
import { NotionSyncError } from '../../errors.ts';
import type { ConflictDetail } from '../../sync/index.ts';
import { BODY_CONFLICT_ID, bodyConflictDiffs } from '../body-diff.ts';
import type { CliContext } from '../context.ts';
import { formatValue, renderTable } from '../format.ts';
import { withEngine } from '../open-engine.ts';

function stateOf(d: ConflictDetail): string {
  const c = d.conflict;
  return c.state === 'open' ? 'open' : `${c.state}: ${c.resolution ?? '?'}`;
}

function table(conflicts: ConflictDetail[], all = false): string {
  if (conflicts.length === 0) return all ? 'No conflicts.' : 'No open conflicts.';
  return renderTable(
    ['id', 'state', 'source', 'row', 'property', 'notion', 'local', 'since'],
    conflicts.map((d) => [
      d.conflict.id,
      stateOf(d),
      d.source,
      d.pageId ?? d.localKey,
      d.conflict.propertyName,
      formatValue(d.conflict.notionValue),
      formatValue(d.conflict.localValue),
      d.conflict.createdAt,
    ]),
  );
}

function resolvedText(d: ConflictDetail): string {
  const c = d.conflict;
  const head = `Resolved conflict #${c.id} (${c.resolution})`;
  if (c.resolution === 'notion' && c.propertyId === BODY_CONFLICT_ID)
    return `${head}; \`notion-sync sync ${d.source}\` writes Notion's body into the file.`;
  if (c.resolution === 'notion') return `${head}.`;
  if (c.propertyId === '__page__' && c.notionValue === 'missing') {
    return (
      `${head}: the page was gone from Notion (404) when this was parked. ` +
      `\`notion-sync push ${d.source}\` writes your values if Notion has the page again; if it is gone for good (trash emptied), ` +
      'the row is marked missing and your values stay in its history — nothing is re-created.'
    );
  }
  if (c.propertyId === '__page__' && c.notionValue === 'trashed')
    return `${head}; \`notion-sync push ${d.source}\` takes the page out of Notion's trash and writes your values.`;
  return `${head}; run \`notion-sync push ${d.source}\` to write it.`;
}

function parseTake(take: string): { take: 'notion' | 'local' } | { take: 'value'; value: string } {
  if (take === 'notion' || take === 'local') return { take };
  if (take.startsWith('value=')) return { take: 'value', value: take.slice('value='.length) };
  throw new NotionSyncError(
    'usage',
    `--take "${take}": use notion, local or value=<text> (e.g. --take value=Done).`,
  );
}

function conflictId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0)
    throw new NotionSyncError(
      'usage',
      `"${text}" is not a conflict id; list them with \`notion-sync conflicts\`.`,
    );
  return id;
}

export function registerConflictsCommand(program: Command, context: () => CliContext): void {
  const conflicts = program
    .command('conflicts')
    .description('list, show and resolve conflicts parked by push (default: list open ones)')
    .option('--source <name>', 'only this source')
    .option('--all', 'include resolved conflicts')
    .action(async (flags: { source?: string; all?: boolean }) => {
      const ctx = context();
      const list = await withEngine(ctx, ({ engine }) =>
        engine.conflicts.list({
          ...(flags.source ? { source: flags.source } : {}),
          state: flags.all ? 'all' : 'open',
        }),
      );
      if (ctx.json) ctx.printJson({ conflicts: list });
      else ctx.out(table(list, flags.all === true));
    });
  conflicts
    .command('list')
    .description('list open conflicts')
    .action(async () => {
      const ctx = context();
      const list = await withEngine(ctx, ({ engine }) => engine.conflicts.list());
      if (ctx.json) ctx.printJson({ conflicts: list });
      else ctx.out(table(list));
    });
  conflicts
    .command('show')
    .description('show one conflict: base, Notion and local values')
    .argument('<id>', 'conflict id')
    .action(async (id: string) => {
      const ctx = context();
      const d = await withEngine(ctx, ({ engine }) => engine.conflicts.get(conflictId(id)));
      if (ctx.json) return ctx.printJson(d);
      const c = d.conflict;
      const head = [
        `conflict #${c.id} (${c.state}${c.resolution ? `: took ${c.resolution} by ${c.resolvedBy}` : ''})`,
        `  source:   ${d.source}`,
        `  row:      ${d.pageId ?? d.localKey}`,
        `  property: ${c.propertyName}`,
      ];
      if (c.propertyId === BODY_CONFLICT_ID)
        return ctx.out(
          [...head, '', bodyConflictDiffs(c.baseValue, c.notionValue, c.localValue)].join('\n'),
        );
      ctx.out(
        [
          ...head,
          `  base:     ${formatValue(c.baseValue)}`,
          `  notion:   ${formatValue(c.notionValue)}`,
          `  local:    ${formatValue(c.localValue)}`,
        ].join('\n'),
      );
    });
  conflicts
    .command('resolve')
    .description(
      "resolve a conflict: notion keeps Notion's value; local or value=… is written by the next push",
    )
    .argument('<id>', 'conflict id')
    .requiredOption('--take <choice>', 'notion | local | value=<text>')
    .action(async (id: string, flags: { take: string }) => {
      const ctx = context();
      const d = await withEngine(ctx, ({ engine }) =>
        engine.conflicts.resolve(conflictId(id), parseTake(flags.take), 'cli'),
      );
      if (ctx.json) ctx.printJson(d);
      else ctx.out(resolvedText(d));
    });
}
