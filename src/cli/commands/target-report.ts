// What `sync` prints for sources with a target: per source, what the scan found and what the
// export wrote; records the target refused and target errors make the command fail.
import { NotionSyncError } from '../../errors.ts';
import type { SyncResult } from '../../sync/index.ts';

type TargetResults = NonNullable<SyncResult['targets']>;

const WORDS = {
  'sql-table': { medium: 'table', item: 'row', items: 'rows', written: 'inserted' },
  'markdown-folder': { medium: 'folder', item: 'file', items: 'files', written: 'written' },
} as const;

export function targetLines(targets: TargetResults): string[] {
  return targets.map((t) => {
    const w = WORDS[t.kind];
    const scan = t.scan
      ? `scan ${t.scan.scanned} ${w.items}: ${t.scan.created} new, ${t.scan.updated} changed, ${t.scan.deleted} deleted${t.scan.waiting ? `, ${t.scan.waiting} waiting` : ''}`
      : 'scan not run';
    const exp = t.export
      ? `export: ${t.export.inserted} ${w.written}, ${t.export.updated} updated, ${t.export.deleted} deleted${t.export.failed.length ? `, ${t.export.failed.length} refused` : ''}`
      : 'export not run';
    return `${t.source} (${w.medium}): ${t.scan || t.kind === 'sql-table' ? `${scan}; ` : ''}${exp}`;
  });
}

export function targetFailure(targets: TargetResults): NotionSyncError | null {
  const lines = targets.flatMap((t) => [
    ...t.errors.map((e) => `${t.source}: ${e.message}`),
    ...(t.export?.failed ?? []).map(
      (f) => `${t.source}: record ${f.recordId} refused by the ${WORDS[t.kind].medium}: ${f.error}`,
    ),
    ...(t.scan?.failed ?? []).map(
      (f) => `${t.source}: ${WORDS[t.kind].item} ${f.itemKey} not taken: ${f.error}`,
    ),
  ]);
  if (lines.length === 0) return null;
  const code = targets.some((t) => t.errors.some((e) => e.code === 'config_invalid'))
    ? 'config_invalid'
    : 'internal';
  return new NotionSyncError(
    code,
    `${lines.join('\n')}\nFix the values (in the ${targets.map((t) => WORDS[t.kind].medium).includes('folder') ? 'files' : 'table'} or in Notion), then sync again.`,
    {
      details: { sources: targets.map((t) => t.source) },
    },
  );
}
