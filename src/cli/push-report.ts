// Output shared by `push` and `sync`: a summary table, the items waiting for a retry, the parked
// conflicts; exit status 1 when items failed in this run and still wait (or were dead-lettered),
// 3 when conflicts remain open.
import { exitCodeFor, NotionSyncError } from '../errors.ts';
import type { PushResult, SourcePushResult } from '../sync/index.ts';
import type { CliContext } from './context.ts';
import { formatDuration, formatValue, renderTable } from './format.ts';
import { ExitStatus } from './main.ts';

const calls = (r: SourcePushResult) => Object.values(r.apiCalls).reduce((a, b) => a + b, 0);

export function pushSummary(result: PushResult): string {
  const header = [
    'source',
    'status',
    'items',
    'created',
    'updated',
    'deleted',
    'unchanged',
    'found by key',
    'conflicts',
    'failed',
    'dead',
    'calls',
    'time',
  ];
  const rows = result.sources.map((r) => [
    r.source,
    r.status,
    r.counts.items,
    r.counts.created,
    r.counts.updated,
    r.counts.deleted,
    r.counts.unchanged,
    r.counts.adopted,
    r.counts.conflicts,
    r.counts.failed,
    r.counts.dead,
    calls(r),
    formatDuration(r.durationMs),
  ]);
  return renderTable(header, rows);
}

/** One line per source whose items wait for a retry: how many and when the first is due. */
export function waitingLines(result: PushResult): string[] {
  return result.sources.flatMap((r) =>
    r.waiting && r.waiting.items > 0
      ? [
          `${r.source}: ${r.waiting.items} item(s) wait for a retry, the next at ${r.waiting.nextAttemptAt}${r.waiting.lastError ? ` (last error: ${r.waiting.lastError})` : ''}; \`notion-sync push\` retries them once due, \`notion-sync outbox requeue --all\` makes them due now.`,
        ]
      : [],
  );
}

export function conflictLines(result: PushResult): string[] {
  return result.sources.flatMap((r) =>
    r.conflicts.map(
      (c) =>
        `  #${c.id} ${r.source} "${c.propertyName}": notion ${formatValue(c.notionValue)} ≠ local ${formatValue(c.localValue)}`,
    ),
  );
}

/**
 * Ends the command 1 (a source failed or items were dead-lettered) or 3 (conflicts stay open).
 * With --json the result already printed is the one JSON document: the failure goes to stderr.
 */
export function finishPush(
  ctx: CliContext,
  result: PushResult,
  earlier: NotionSyncError | null = null,
): void {
  const failure = earlier ?? failureOf(result);
  if (!failure) return;
  if (!ctx.json) throw failure;
  ctx.err(`error: ${failure.message}`);
  throw new ExitStatus(exitCodeFor(failure.code));
}

function failureOf(result: PushResult): NotionSyncError | null {
  const failed = result.sources.filter((r) => r.status !== 'ok');
  if (failed.length > 0) {
    return new NotionSyncError(
      'internal',
      failed.map((r) => `${r.source}: ${r.errors.map((e) => e.message).join('; ')}`).join('\n'),
      { details: { sources: failed.map((r) => r.source) } },
    );
  }
  const dead = result.sources.reduce((n, r) => n + r.counts.dead, 0);
  const waiting = result.sources.filter((r) => r.counts.failed > 0 && (r.waiting?.items ?? 0) > 0);
  if (dead === 0 && waiting.length > 0) {
    const items = waiting.reduce((n, r) => n + (r.waiting?.items ?? 0), 0);
    const next = waiting.map((r) => r.waiting?.nextAttemptAt ?? '').sort()[0];
    return new NotionSyncError(
      'sync_retry_waiting',
      `${items} outbox item(s) failed and wait for a retry, the next at ${next}: run \`notion-sync push\` again then (or \`notion-sync outbox requeue --all\` to retry now); \`notion-sync outbox list\` shows each with its last error.`,
      { details: { waiting: items, nextAttemptAt: next } },
    );
  }
  if (dead > 0) {
    return new NotionSyncError(
      'sync_dead_letter',
      `${dead} outbox item(s) were dead-lettered: \`notion-sync outbox list --state dead\` shows each with its last error; fix the cause, then \`notion-sync outbox requeue <id>\` (or \`push --retry-dead\`), change the values with \`outbox edit\`, or give the edit up with \`outbox drop\`.`,
      { details: { dead } },
    );
  }
  if (result.openConflicts > 0) {
    return new NotionSyncError(
      'sync_conflict',
      `${result.openConflicts} conflict(s) stay open: see \`notion-sync conflicts\`, then \`notion-sync conflicts resolve <id> --take notion|local|value=…\`.`,
      { details: { openConflicts: result.openConflicts } },
    );
  }
  return null;
}
