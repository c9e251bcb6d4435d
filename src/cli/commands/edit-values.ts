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
  return parseAssignments(stored.schema, assignments);
}
