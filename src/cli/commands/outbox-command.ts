import type { Command } from 'commander';
import { NotionSyncError } from '../../errors.ts';
import type { OutboxEntry, OutboxListState } from '../../sync/index.ts';
import type { CliContext } from '../context.ts';
import { formatValue, renderTable } from '../format.ts';
import { withEngine } from '../open-engine.ts';
import { parseEditArguments } from './edit-values.ts';

const STATES: OutboxListState[] = [
  'open',
  'all',
  'pending',
  'in_flight',
  'dead',
  'done',
  'dropped',
];

function valuesText(entry: OutboxEntry): string {
  if (entry.item.op === 'delete') return '(move to trash)';
  const text = Object.entries(entry.values)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(' ');
  return `${entry.restore ? '(restore from trash) ' : ''}${text}`;
}

function table(entries: OutboxEntry[]): string {
  if (entries.length === 0) return 'The outbox holds nothing in that state.';
  return renderTable(
    ['id', 'source', 'row', 'op', 'state', 'attempts', 'next attempt', 'values', 'last error'],
    entries.map((e) => [
      e.item.id,
      e.source,
      e.pageId ?? e.localKey,
      e.item.op,
      e.item.state,
      e.item.attempts,
      e.item.state === 'pending' ? e.item.nextAttemptAt : '',
      valuesText(e),
      e.item.lastError ?? '',
    ]),
  );
}

function outboxIds(texts: string[]): number[] {
  return texts.map((text) => {
    const id = Number(text);
    if (!/^\d+$/.test(text) || id <= 0)
      throw new NotionSyncError(
        'usage',
        `"${text}" is not an outbox id; list them with \`notion-sync outbox list\`.`,
        { details: { argument: text } },
      );
    return id;
  });
}

function parseState(text: string | undefined): OutboxListState {
  if (text === undefined) return 'open';
  if ((STATES as string[]).includes(text)) return text as OutboxListState;
  throw new NotionSyncError('usage', `--state "${text}": use one of ${STATES.join(', ')}.`, {
    details: { state: text },
  });
}

function registerEdit(outbox: Command, context: () => CliContext): void {
  outbox
    .command('edit')
    .description(
      'rewrite the values a pending or dead item sends (checked like `set`) and requeue it',
    )
    .argument('<id>', 'outbox id')
    .argument('[assignments...]', 'Prop=value pairs (empty value clears the property in Notion)')
    .option('--unset <prop...>', 'stop sending these properties')
    .action(async (id: string, assignments: string[], flags: { unset?: string[] }) => {
      const ctx = context();
      const [outboxId] = outboxIds([id]);
      const entry = await withEngine(ctx, async ({ engine, store }) => {
        const item = await engine.outbox.show(outboxId!);
        const values =
          assignments.length > 0 || !flags.unset
            ? await parseEditArguments(
                store,
                ctx.config().sources,
                item.source,
                assignments,
                ctx.io.cwd,
              )
            : {};
        return engine.outbox.edit(outboxId!, values, { unset: flags.unset ?? [] });
      });
      if (ctx.json) ctx.printJson(entry);
      else if (!ctx.quiet)
        ctx.out(
          `Outbox #${entry.item.id} now sends ${valuesText(entry) || 'nothing'}; run \`notion-sync push ${entry.source}\`.`,
        );
    });
}

export function registerOutboxCommand(program: Command, context: () => CliContext): void {
  const outbox = program
    .command('outbox')
    .description('local edits waiting for push or dead-lettered: list, show, requeue, drop, edit');
  outbox
    .command('list', { isDefault: true })
    .description('list outbox items (default: pending, in flight and dead)')
    .option('--source <name>', 'only this source')
    .option('--state <state>', `one of ${STATES.join(', ')}`)
    .action(async (flags: { source?: string; state?: string }) => {
      const ctx = context();
      const state = parseState(flags.state);
      const list = await withEngine(ctx, ({ engine }) =>
        engine.outbox.list({ ...(flags.source ? { source: flags.source } : {}), state }),
      );
      if (ctx.json) ctx.printJson({ outbox: list });
      else ctx.out(table(list));
    });
  outbox
    .command('show')
    .description('show one outbox item: row, values, attempts and last error')
    .argument('<id>', 'outbox id')
    .action(async (id: string) => {
      const ctx = context();
      const [outboxId] = outboxIds([id]);
      const e = await withEngine(ctx, ({ engine }) => engine.outbox.show(outboxId!));
      if (ctx.json) return ctx.printJson(e);
      ctx.out(
        [
          `outbox #${e.item.id} (${e.item.op}, ${e.item.state})`,
          `  source:       ${e.source}`,
          `  row:          ${e.pageId ?? `${e.localKey} (not in Notion yet)`}`,
          `  values:       ${valuesText(e)}`,
          `  attempts:     ${e.item.attempts}`,
          `  next attempt: ${e.item.state === 'pending' ? e.item.nextAttemptAt : '—'}`,
          `  last error:   ${e.item.lastError ?? '—'}`,
        ].join('\n'),
      );
    });
  outbox
    .command('requeue')
    .description('make items due at the next push (dead ones get fresh attempts)')
    .argument('[id...]', 'outbox ids')
    .option('--all', 'every pending or dead item (of --source)')
    .option('--source <name>', 'with --all: only this source')
    .action(async (ids: string[], flags: { all?: boolean; source?: string }) => {
      const ctx = context();
      if (flags.all === ids.length > 0)
        throw new NotionSyncError('usage', 'Give outbox ids or --all (not both).');
      const target = flags.all ? ('all' as const) : outboxIds(ids);
      const list = await withEngine(ctx, ({ engine }) =>
        engine.outbox.requeue(target, flags.source ? { source: flags.source } : {}),
      );
      if (ctx.json) ctx.printJson({ requeued: list });
      else if (!ctx.quiet)
        ctx.out(
          list.length === 0
            ? 'Nothing to requeue.'
            : `Requeued ${list.length} item(s): ${list.map((e) => `#${e.item.id}`).join(', ')}; run \`notion-sync push\`.`,
        );
    });
  outbox
    .command('drop')
    .description(
      "drop pending or dead items unsent: the row goes back to Notion's values (history keeps the dropped edit)",
    )
    .argument('<id...>', 'outbox ids')
    .action(async (ids: string[]) => {
      const ctx = context();
      const dropped = await withEngine(ctx, ({ engine }) => engine.outbox.drop(outboxIds(ids)));
      if (ctx.json) return ctx.printJson({ dropped });
      if (ctx.quiet) return;
      for (const d of dropped) {
        const row = d.entry.pageId ?? d.entry.localKey;
        const what =
          d.record === 'tombstoned'
            ? 'it never reached Notion, so the row is removed (tombstone missing)'
            : d.record === 'reverted'
              ? "the row shows Notion's values again"
              : 'another edit of the row still waits';
        ctx.out(`Dropped #${d.entry.item.id} (${d.entry.item.op} of ${row}): ${what}.`);
      }
    });
  registerEdit(outbox, context);
}
