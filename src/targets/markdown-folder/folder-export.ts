// Export of a folder target: each live record's file is rendered in canonical form and written
// only when its text differs from the file on disk; a file the user edited since the last export
// (its hash is not the remembered one) is never written over — the scan brings that edit in
// first; nor is a file whose record is held (an open conflict, a local edit Notion does not have
// yet: the file keeps the local text). A crash between a write and its bookkeeping is adopted by the next export (the file
// already holds the text). Records tombstoned in Notion lose their file per `onNotionDelete`,
// unless the file was edited locally (then it stays, detached).
import type {
  Source,
  Store,
  TargetItem,
  TargetItemInput,
  TargetRecordView,
} from '../../store/index.ts';
import { type ExportResult, emptyExportResult, type TargetInput } from '../target.ts';
import { parseDocument, renderDocument } from './document.ts';
import type { FolderFiles } from './folder-files.ts';
import { textHash } from './folder-files.ts';
import { type LayoutOptions, layoutPaths } from './folder-layout.ts';
import { frontmatterOf, ID_KEY } from './frontmatter-values.ts';

export interface FolderExportContext {
  store: Store;
  files: FolderFiles;
  layout: LayoutOptions;
  onNotionDelete: 'delete' | 'keep';
}

export function renderRecord(source: Source, view: TargetRecordView): string {
  return renderDocument({ data: frontmatterOf(source, view), body: view.content ?? '' });
}

/** True when the file at the item's path is not what was last exported (a local edit). */
async function editedLocally(files: FolderFiles, item: TargetItem | undefined) {
  if (!item?.itemKey) return false;
  const text = await files.read(item.itemKey);
  return text !== null && textHash(text) !== item.targetHash;
}

/** True when a file found at a record's path is its own (remembered there, or naming its page). */
async function ours(
  text: string,
  path: string,
  view: TargetRecordView,
  item: TargetItem | undefined,
): Promise<boolean> {
  if (item?.itemKey === path) return true;
  try {
    return parseDocument(text, path)?.data[ID_KEY] === view.record.pageId;
  } catch {
    return false;
  }
}

async function exportLive(
  ctx: FolderExportContext,
  input: TargetInput,
  view: TargetRecordView,
  path: string,
  item: TargetItem | undefined,
  out: { result: ExportResult; puts: TargetItemInput[] },
): Promise<void> {
  if (input.held?.has(view.record.id) && item) return;
  // Detached (deleted locally under `onLocalDelete: keep`, or kept after a Notion delete): the
  // file is no longer this target's to write.
  if (item?.state === 'detached') return;
  // A remembered file that is gone was deleted or moved after the scan, or its move was refused
  // (a folder that belongs to no page): the next scan decides; export never brings it back.
  if (item?.itemKey && (await ctx.files.read(item.itemKey)) === null) return;
  if (await editedLocally(ctx.files, item)) return;
  const text = renderRecord(input.source, view);
  const hash = textHash(text);
  const current = await ctx.files.read(path);
  if (current !== null && current !== text && !(await ours(current, path, view, item))) {
    out.result.failed.push({
      recordId: view.record.id,
      error: `${path} already exists and is not this page's file (its ${ID_KEY} differs); move it away and run again`,
    });
    return;
  }
  if (current === text && item?.itemKey === path) out.result.unchanged += 1;
  else {
    if (current !== text) await ctx.files.write(path, text);
    if (item?.itemKey && item.itemKey !== path) await ctx.files.remove(item.itemKey);
    if (item) out.result.updated += 1;
    else out.result.inserted += 1;
  }
  if (item?.targetHash !== hash || item.itemKey !== path || item.state !== 'synced') {
    out.puts.push({
      recordId: view.record.id,
      sourceId: input.source.id,
      itemKey: path,
      targetHash: hash,
      storeHash: hash,
      state: 'synced',
    });
  }
}

async function exportGone(
  ctx: FolderExportContext,
  item: TargetItem,
  out: { result: ExportResult; puts: TargetItemInput[] },
): Promise<void> {
  if (item.state === 'detached' || !item.itemKey) return;
  if (ctx.onNotionDelete === 'keep' || (await editedLocally(ctx.files, item))) {
    out.puts.push({ ...item, state: 'detached' });
    out.result.detached += 1;
    return;
  }
  await ctx.files.remove(item.itemKey);
  await ctx.store.targets.remove(item.recordId);
  out.result.deleted += 1;
}

export async function exportFolder(
  ctx: FolderExportContext,
  input: TargetInput,
  items: TargetItem[],
): Promise<ExportResult> {
  const byRecord = new Map(items.map((i) => [i.recordId, i]));
  const paths = layoutPaths(input.source, input.records, byRecord, ctx.layout, input.held);
  const out = { result: emptyExportResult(), puts: [] as TargetItemInput[] };
  for (const view of input.records) {
    const item = byRecord.get(view.record.id);
    const path = paths.get(view.record.id);
    if (view.record.tombstone !== null) {
      if (item) await exportGone(ctx, item, out);
    } else if (path && view.record.pageId) {
      await exportLive(ctx, input, view, path, item, out);
    }
  }
  if (out.puts.length > 0) await ctx.store.targets.putMany(out.puts);
  return out.result;
}
