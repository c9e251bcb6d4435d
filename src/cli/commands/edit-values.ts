import { resolve } from 'node:path';
import type { SourceConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import { editableSource, type LocalValues, parseAssignments } from '../../sync/index.ts';

/** Parses `Prop=value` arguments against the stored schema snapshot of `source`. */
export async function parseEditArguments(
  store: Store,
  sources: SourceConfig[],
  source: string,
  assignments: string[],
  cwd: string = process.cwd(),
): Promise<LocalValues> {
  editableSource(sources, source);
  const stored = await store.sources.getByName(source);
  if (!stored) {
    throw new NotionSyncError(
      'store_not_found',
      `Source "${source}" has no schema snapshot yet: run \`notion-sync pull ${source}\` first.`,
      { details: { source } },
    );
  }
  if (assignments.length === 0) {
    throw new NotionSyncError('usage', 'Give at least one Prop=value (e.g. Status=Done).');
  }
  return withAbsolutePaths(parseAssignments(stored.schema, assignments), cwd);
}

/** Local file paths of `files` values resolved against the directory the command runs in. */
function withAbsolutePaths(values: LocalValues, cwd: string): LocalValues {
  const out: LocalValues = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = Array.isArray(value)
      ? ((value as unknown[]).map((item) =>
          typeof item === 'object' && item !== null && 'path' in item
            ? { ...item, path: resolve(cwd, String((item as { path: unknown }).path)) }
            : item,
        ) as LocalValues[string])
      : value;
  }
  return out;
}
