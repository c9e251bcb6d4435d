// Scan of a folder target: every remembered file whose text is not what was last exported is
// read back; its frontmatter values that differ from the record's become a property update
// (only writable properties; `notion_id`/`notion_url` are ours) and an edited body becomes the
// edit's content (push merges it with Notion's body, body-push.ts). A remembered file that is
// gone → a delete per `onLocalDelete`, unless it is found moved elsewhere (tree-files.ts: then
// it is read at its new path, and in a page tree a new folder moves the page). New files become
// creates, a page tree's under their folder's page. Broken files are reported with path and
// line and skipped; nothing else is held back. A scan writes nothing.
import { NotionSyncError } from '../../errors.ts';
import type { TargetItem, TargetRecordView, Version } from '../../store/index.ts';
import type { LocalChange, ScanResult, TargetInput } from '../target.ts';
import { canonicalBody, fileError, parseDocument } from './document.ts';
import { renderRecord } from './folder-export.ts';
import type { FolderFiles } from './folder-files.ts';
import { textHash } from './folder-files.ts';
import { ID_KEY, writableEdits } from './frontmatter-values.ts';
import { listMarkdownFiles, newFileChange } from './new-files.ts';
import { findMovedFiles, moveTarget, parentOfPath, type TreePlacement } from './tree-files.ts';

export interface FolderScanContext {
  files: FolderFiles;
  onLocalDelete: 'trash' | 'keep';
  layout: 'tree' | 'flat';
  /** A record's versions, oldest first (to find the one a file was exported from). */
  versionsOf(recordId: number): Promise<Version[]>;
}

/**
 * The version whose rendering is the text last exported to the file (`targetHash`): the base of
 * the file's edit. A file remembered after a local edit (its text is that edit's version, and
 * it stays as it is while the edit or a conflict holds it) has the Notion-side version before
 * that edit as its base — never the edit itself, and never a Notion version the file never
 * showed (its lines would read as deleted locally). Null when none renders to it any more (a
 * schema change renamed a property).
 */
async function exportedVersion(
  ctx: FolderScanContext,
  input: TargetInput,
  view: TargetRecordView,
  targetHash: string | null,
): Promise<Version | null> {
  if (targetHash === null) return null;
  const versions = await ctx.versionsOf(view.record.id);
  for (let i = versions.length - 1; i >= 0; i--) {
    const version = versions[i]!;
    const rendered = renderRecord(input.source, { ...view, ...version });
    if (textHash(rendered) !== targetHash) continue;
    if (version.origin !== 'local') return version;
    return versions.slice(0, i).findLast((v) => v.origin !== 'local') ?? null;
  }
  return null;
}

export interface FolderScanResult extends ScanResult {
  /** Files that could not be read as ours (broken YAML, a wrong `notion_id`), with path and line. */
  failed: { itemKey: string; error: string }[];
}

async function scanItem(
  ctx: FolderScanContext,
  input: TargetInput,
  view: TargetRecordView,
  item: TargetItem & { itemKey: string },
  result: FolderScanResult,
  placement: TreePlacement,
): Promise<void> {
  // A file moved elsewhere is read where it is now (tree-files.ts).
  const movedTo = placement.moves.byRecord.get(view.record.id);
  const path = movedTo ?? item.itemKey;
  const text = await ctx.files.read(path);
  if (text === null) {
    const action = view.record.tombstone !== null ? 'forget' : ctx.onLocalDelete;
    result.changes.push({
      kind: 'delete',
      recordId: view.record.id,
      itemKey: item.itemKey,
      action,
    });
    return;
  }
  const hash = textHash(text);
  if (hash === item.targetHash && !movedTo) {
    result.unchanged += 1;
    return;
  }
  const doc = parseDocument(text, path);
  if (!doc) throw fileError(path, 1, 'its frontmatter is gone (the file starts without `---`)');
  if ((doc.data[ID_KEY] ?? null) !== view.record.pageId)
    throw fileError(path, 2, `its ${ID_KEY} is not the page this file belongs to`);
  const parent = movedTo ? moveTarget(placement, view.record.id, movedTo) : undefined;
  const values = writableEdits(input.source, doc.data, view.fields);
  const bodyEdited = doc.body !== canonicalBody(view.content ?? '');
  const base = await exportedVersion(ctx, input, view, item.targetHash);
  result.changes.push({
    kind: 'update',
    recordId: view.record.id,
    itemKey: path,
    values,
    ...(parent ? { parent } : {}),
    // The body goes to push, which merges it line by line with Notion's.
    ...(bodyEdited ? { content: doc.body } : {}),
    ...(base ? { baseVersionId: base.id } : {}),
    targetHash: hash,
    storeHash: item.storeHash ?? hash,
  });
}

export async function scanFolder(
  ctx: FolderScanContext,
  input: TargetInput,
  items: TargetItem[],
): Promise<FolderScanResult> {
  const result: FolderScanResult = {
    changes: [],
    scanned: 0,
    unchanged: 0,
    waiting: 0,
    failed: [],
  };
  const remembered = new Set(items.flatMap((i) => (i.itemKey ? [i.itemKey] : [])));
  const fresh = (await listMarkdownFiles(ctx.files)).filter((p) => !remembered.has(p));
  const moves = await findMovedFiles(ctx.files, input, items, fresh);
  const created = fresh.filter((p) => !moves.byPath.has(p));
  // New files may be the pages moved files go under: their creates come first (see below).
  const placement: TreePlacement = {
    input,
    items,
    moves,
    creating: new Set(created),
    layout: ctx.layout,
  };
  const views = new Map(input.records.map((v) => [v.record.id, v]));
  for (const item of items) {
    const view = views.get(item.recordId);
    if (!view || !item.itemKey || item.state === 'detached') continue;
    result.scanned += 1;
    try {
      await scanItem(ctx, input, view, { ...item, itemKey: item.itemKey }, result, placement);
    } catch (error) {
      if (!(error instanceof NotionSyncError) || error.code !== 'file_invalid') throw error;
      result.failed.push({
        itemKey: moves.byRecord.get(item.recordId) ?? item.itemKey,
        error: error.message,
      });
    }
  }
  // A move under a page created in this scan comes after that create (push sends items in order).
  const underNew = (c: LocalChange) => c.kind === 'update' && c.parent && 'itemKey' in c.parent;
  const later = result.changes.filter(underNew);
  result.changes = result.changes.filter((c) => !underNew(c));
  await scanNewFiles(ctx, input, created, placement, result);
  result.changes.push(...later);
  return result;
}

/** Creates for new files, parents before children (a page tree's new file goes under its
 * folder's page, tree-files.ts). */
async function scanNewFiles(
  ctx: FolderScanContext,
  input: TargetInput,
  paths: string[],
  placement: TreePlacement,
  result: FolderScanResult,
): Promise<void> {
  const known = new Set(input.records.flatMap((v) => (v.record.pageId ? [v.record.pageId] : [])));
  const depth = (p: string) => p.split('/').length;
  for (const path of [...paths].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1))) {
    try {
      const change = await newFileChange(ctx.files, input.source, path, known);
      if (!change) continue;
      result.scanned += 1;
      if (input.source.kind === 'page') {
        result.changes.push({ ...change, parent: parentOfPath(placement, path) });
      } else result.changes.push(change);
    } catch (error) {
      if (!(error instanceof NotionSyncError) || error.code !== 'file_invalid') throw error;
      result.failed.push({ itemKey: path, error: error.message });
    }
  }
}
