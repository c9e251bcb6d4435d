// Output shared by `push` and `sync`: a summary table, the parked conflicts, and exit status 3
// when conflicts remain open.
import { NotionSyncError } from '../errors.ts';
import type { PushResult, SourcePushResult } from '../sync/index.ts';
import { formatDuration, formatValue, renderTable } from './format.ts';

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

export function conflictLines(result: PushResult): string[] {
  return result.sources.flatMap((r) =>
    r.conflicts.map(
      (c) =>
        `  #${c.id} ${r.source} "${c.propertyName}": notion ${formatValue(c.notionValue)} ≠ local ${formatValue(c.localValue)}`,
    ),
  );
}

/** Throws what makes the command end 1 (a source failed) or 3 (conflicts stay open). */
export function finishPush(result: PushResult): void {
  const failed = result.sources.filter((r) => r.status !== 'ok');
  if (failed.length > 0) {
    throw new NotionSyncError(
      'internal',
      failed.map((r) => `${r.source}: ${r.errors.map((e) => e.message).join('; ')}`).join('\n'),
      { details: { sources: failed.map((r) => r.source) } },
    );
  }
  if (result.openConflicts > 0) {
    throw new NotionSyncError(
      'sync_conflict',
      `${result.openConflicts} conflict(s) stay open: see \`notion-sync conflicts\`, then \`notion-sync conflicts resolve <id> --take notion|local|value=…\`.`,
      { details: { openConflicts: result.openConflicts } },
    );
  }
}
