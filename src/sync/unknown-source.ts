import type { SourceConfig } from '../config/index.ts';
import { NotionSyncError } from '../errors.ts';
import { findClosest } from '../shared/index.ts';

/**
 * A source name that is not in the configuration: a `usage` error (exit 2) naming the closest
 * configured name and listing them all.
 */
export function unknownSourceError(name: string, all: SourceConfig[]): NotionSyncError {
  const names = all.map((s) => s.name);
  const closest = findClosest(name, names);
  return new NotionSyncError(
    'usage',
    `No source named "${name}" in the configuration${closest ? ` — did you mean "${closest}"?` : ''}; ` +
      `configured: ${names.join(', ') || 'none (add one under `sources:`)'}.`,
    { details: { source: name, ...(closest ? { closest } : {}) } },
  );
}

/** The configured source of that name, or the `usage` error above. */
export function findConfiguredSource(all: SourceConfig[], name: string): SourceConfig {
  const found = all.find((s) => s.name === name);
  if (found) return found;
  throw unknownSourceError(name, all);
}
