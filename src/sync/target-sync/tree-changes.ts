// A page tree's folder names parents by file; the records API names them by page id or by the
// local key of a record whose page is not created yet. A parent file created in the same scan
// was applied first (the scan orders creates parents first), so its item is remembered.
import { NotionSyncError } from '../../errors.ts';
import type { LocalChange } from '../../targets/index.ts';
import type { ParentPage } from '../push/push-types.ts';
import type { Source, Store } from '../store-api.ts';

/** The records API's `parent` option for a change (empty when it names none). */
export async function parentOption(
  store: Store,
  source: Source,
  change: LocalChange,
): Promise<{ parent?: ParentPage }> {
  if (change.kind === 'delete' || !change.parent) return {};
  const parent = change.parent;
  if ('pageId' in parent) return { parent: { pageId: parent.pageId } };
  const item = (await store.targets.list(source.id)).find((i) => i.itemKey === parent.itemKey);
  const record = item ? await store.records.get(item.recordId) : null;
  if (!record) {
    throw new NotionSyncError(
      'file_invalid',
      `${change.itemKey}: its parent page's file ${parent.itemKey} could not be synced; fix that file first.`,
      { details: { path: change.itemKey, parent: parent.itemKey } },
    );
  }
  return {
    parent: record.pageId ? { pageId: record.pageId } : { localKey: record.localKey },
  };
}
