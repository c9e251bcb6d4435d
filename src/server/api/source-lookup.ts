// Finding a configured source by name for the API: 404 `source_not_found` naming the closest.
import type { SourceConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { SourceJobKind } from '../../runner/index.ts';
import { findClosest } from '../../shared/index.ts';

export function findSourceConfig(sources: readonly SourceConfig[], name: string): SourceConfig {
  const found = sources.find((s) => s.name === name);
  if (found) return found;
  const closest = findClosest(
    name,
    sources.map((s) => s.name),
  );
  throw new NotionSyncError(
    'source_not_found',
    `No source named "${name}"${closest ? ` — did you mean "${closest}"?` : ''}.`,
    { details: { source: name, ...(closest ? { closest } : {}) } },
  );
}

/** `usage` when the source's direction does not allow `kind` (pull needs pull or both, …). */
export function assertDirectionAllows(source: SourceConfig, kind: SourceJobKind): void {
  const direction = source.direction ?? 'pull';
  const allowed =
    kind === 'sync' ? direction === 'both' : direction === kind || direction === 'both';
  if (allowed) return;
  throw new NotionSyncError(
    'usage',
    `Source "${source.name}" has direction ${direction}; a ${kind} needs direction ${kind === 'sync' ? 'both' : `${kind} or both`}.`,
    { details: { source: source.name, direction } },
  );
}
