// The configured source of a name, or `source_not_found` naming the closest configured one.
import type { SourceConfig } from '../config/index.ts';
import { NotionSyncError } from '../errors.ts';
import { findClosest } from '../shared/index.ts';

export function findConfiguredSource(all: SourceConfig[], name: string): SourceConfig {
  const found = all.find((s) => s.name === name);
  if (found) return found;
  const closest = findClosest(
    name,
    all.map((s) => s.name),
  );
  throw new NotionSyncError(
    'source_not_found',
    `No source named "${name}" in the configuration${closest ? ` — did you mean "${closest}"?` : ''}; ` +
      `configured: ${all.map((s) => s.name).join(', ') || 'none (add one under `sources:`)'}.`,
    { details: { source: name } },
  );
}
