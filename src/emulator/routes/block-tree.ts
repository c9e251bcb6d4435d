import { type BlockDraft, insertBlocks } from '../block-input.ts';
import type { BlockRecord, PageRecord } from '../state.ts';
import type { Workspace } from '../workspace.ts';

/** Inserts drafts under a page or block at index `at` of its children. */
export function insertDrafts(
  ws: Workspace,
  parent: PageRecord | BlockRecord,
  drafts: readonly BlockDraft[],
  actorUserId: string,
  at: number,
): string[] {
  const ref =
    parent.id in ws.state.pages
      ? ({ type: 'page_id', id: parent.id } as const)
      : ({ type: 'block_id', id: parent.id } as const);
  return insertBlocks(ws, ref, drafts, actorUserId, parent.childIds, at);
}

/** Moves an object (block, page or database) and what it contains to the trash. */
export function trashSubtree(ws: Workspace, id: string): void {
  const found = ws.findObject(id);
  if (!found || found.kind === 'data_source') return;
  found.record.inTrash = true;
  if (found.kind === 'block') for (const child of found.record.childIds) trashSubtree(ws, child);
}
