// Events are derived from what changed in the workspace, not from which route ran: the records
// one write touched (an API request or a control-API edit as a user; see record-changes.ts) are
// compared with their copies from before it, so no write path can forget to emit. Tracking runs
// only while a verified subscription exists.

import type { BlockRecord, JsonObject, ParentRef } from '../state.ts';
import type { Workspace } from '../workspace.ts';
import type { EventAuthor, WebhookEventType, WorkspaceEvent } from './events.ts';
import type { Captured } from './record-changes.ts';

type Was = Captured['was'];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** `data.parent` of §8.4: `{id, type: space|page|block|database, data_source_id?}`. */
function parentOf(ws: Workspace, ref: ParentRef, was: Was): JsonObject {
  if (ref.type === 'workspace') return { id: ws.state.workspaceId, type: 'space' };
  if (ref.type === 'page_id') return { id: ref.id, type: 'page' };
  if (ref.type === 'block_id') return { id: ref.id, type: 'block' };
  if (ref.type === 'database_id') return { id: ref.id, type: 'database' };
  const ds = ws.state.dataSources[ref.id] ?? was.dataSources[ref.id];
  return { id: ds?.databaseId ?? ref.id, type: 'database', data_source_id: ref.id };
}

/** The page a block sits in (walking up through nested blocks). */
function pageOfBlock(ws: Workspace, was: Was, blockId: string): string | undefined {
  let id: string | undefined = blockId;
  for (let depth = 0; id !== undefined && depth < 100; depth += 1) {
    if (ws.state.pages[id] ?? was.pages[id]) return id;
    const block: BlockRecord | undefined = ws.state.blocks[id] ?? was.blocks[id];
    id = block && block.parent.type !== 'workspace' ? block.parent.id : undefined;
  }
  return undefined;
}

function kindOf(ws: Workspace, was: Was, id: string): 'page' | 'database' | 'block' {
  if (ws.state.pages[id] ?? was.pages[id]) return 'page';
  if (ws.state.databases[id] ?? was.databases[id]) return 'database';
  return 'block';
}

class EventList {
  readonly events: WorkspaceEvent[] = [];
  readonly content = new Map<string, Map<string, JsonObject>>();
  readonly rows = new Map<string, Set<string>>();
  readonly author: EventAuthor;
  readonly now: number;
  constructor(author: EventAuthor, now: number) {
    this.author = author;
    this.now = now;
  }

  add(type: WebhookEventType, id: string, data: JsonObject, visibilityId = id): void {
    const entityType = type.split('.')[0] as WorkspaceEvent['entity']['type'];
    this.events.push({
      type,
      entity: { id, type: entityType },
      data,
      authors: [this.author],
      timestamp: this.now,
      visibilityId,
    });
  }

  touchContent(pageId: string, block: JsonObject): void {
    const blocks = this.content.get(pageId) ?? new Map<string, JsonObject>();
    blocks.set(String(block.id), block);
    this.content.set(pageId, blocks);
  }

  touchRow(ref: ParentRef, pageId: string): void {
    if (ref.type !== 'data_source_id') return;
    this.rows.set(ref.id, (this.rows.get(ref.id) ?? new Set()).add(pageId));
  }
}

function detectPages(ws: Workspace, was: Was, ids: Set<string>, out: EventList): void {
  for (const page of live(ws.state.pages, ids)) {
    const before = was.pages[page.id];
    const parent = parentOf(ws, page.parent, was);
    if (!before) {
      out.add('page.created', page.id, { parent });
      out.touchRow(page.parent, page.id);
      if (page.parent.type !== 'data_source_id' && page.parent.type !== 'workspace')
        out.touchContent(page.parent.id, { id: page.id, type: 'page' });
      continue;
    }
    if (before.inTrash !== page.inTrash) {
      out.add(page.inTrash ? 'page.deleted' : 'page.undeleted', page.id, { parent });
      out.touchRow(page.parent, page.id);
    }
    if (!same(before.parent, page.parent)) {
      out.add('page.moved', page.id, { parent });
      out.touchRow(before.parent, page.id);
      out.touchRow(page.parent, page.id);
    }
    if (before.isLocked !== page.isLocked)
      out.add(page.isLocked ? 'page.locked' : 'page.unlocked', page.id, { parent });
    const keys = new Set([...Object.keys(before.properties), ...Object.keys(page.properties)]);
    const changed = [...keys].filter((k) => !same(before.properties[k], page.properties[k]));
    if (changed.length > 0 && same(before.parent, page.parent)) {
      out.add('page.properties_updated', page.id, { parent, updated_properties: changed });
    }
    const old = new Set(before.childIds);
    const now = new Set(page.childIds);
    const added = page.childIds.filter((id) => !old.has(id));
    const removed = before.childIds.filter((id) => !now.has(id));
    for (const id of [...added, ...removed])
      out.touchContent(page.id, { id, type: kindOf(ws, was, id) });
  }
}

function detectBlocks(ws: Workspace, was: Was, ids: Set<string>, out: EventList): void {
  for (const id of ids) {
    if (!ws.state.blocks[id] && !was.blocks[id]) continue;
    const after = ws.state.blocks[id];
    if (after && same(after, was.blocks[id])) continue;
    const pageId = pageOfBlock(ws, was, id);
    if (pageId) out.touchContent(pageId, { id, type: 'block' });
  }
}

function detectDatabases(ws: Workspace, was: Was, ids: Set<string>, out: EventList): void {
  for (const db of live(ws.state.databases, ids)) {
    const before = was.databases[db.id];
    const parent = parentOf(ws, db.parent, was);
    if (!before) out.add('database.created', db.id, { parent });
    else {
      if (before.inTrash !== db.inTrash)
        out.add(db.inTrash ? 'database.deleted' : 'database.undeleted', db.id, { parent });
      if (!same(before.parent, db.parent)) out.add('database.moved', db.id, { parent });
    }
  }
}

function schemaChanges(before: Was['dataSources'][string], after: typeof before) {
  const changes: JsonObject[] = [];
  for (const [id, prop] of Object.entries(after.properties)) {
    const old = before.properties[id];
    if (!old) changes.push({ id, name: prop.name, action: 'created' });
    else if (!same(old, prop)) changes.push({ id, name: prop.name, action: 'updated' });
  }
  for (const [id, prop] of Object.entries(before.properties))
    if (!after.properties[id]) changes.push({ id, name: prop.name, action: 'deleted' });
  return changes;
}

function detectDataSources(ws: Workspace, was: Was, ids: Set<string>, out: EventList): void {
  for (const ds of live(ws.state.dataSources, ids)) {
    const before = was.dataSources[ds.id];
    const parent = { id: ds.databaseId, type: 'database' };
    if (!before) {
      out.add('data_source.created', ds.id, { parent });
      continue;
    }
    if (before.inTrash !== ds.inTrash)
      out.add(ds.inTrash ? 'data_source.deleted' : 'data_source.undeleted', ds.id, { parent });
    if (before.databaseId !== ds.databaseId) out.add('data_source.moved', ds.id, { parent });
    const changes = schemaChanges(before, ds);
    if (changes.length === 0) continue;
    out.add('data_source.schema_updated', ds.id, { parent, updated_properties: changes });
    const db = ws.state.databases[ds.databaseId];
    if (db)
      out.add('database.schema_updated', db.id, {
        parent: parentOf(ws, db.parent, was),
        updated_properties: changes,
      });
  }
}

function detectComments(ws: Workspace, was: Was, ids: Set<string>, out: EventList): void {
  for (const id of ids) {
    const after = ws.state.comments[id];
    const before = was.comments[id];
    const comment = after ?? before;
    if (!comment || comment.parent.type === 'workspace') continue;
    if (after && before && same(after.richText, before.richText)) continue;
    const type = !before ? 'comment.created' : !after ? 'comment.deleted' : 'comment.updated';
    const parentType = comment.parent.type === 'page_id' ? 'page' : 'block';
    const pageId = pageOfBlock(ws, was, comment.parent.id) ?? comment.parent.id;
    out.add(
      type,
      id,
      { parent: { id: comment.parent.id, type: parentType }, page_id: pageId },
      pageId,
    );
  }
}

/**
 * Content and row changes gathered above, one event per page, data source and database; a
 * data source's content changes when rows are added, trashed, restored or moved (a row's own
 * property edits are page events).
 */
function flushContent(ws: Workspace, was: Was, out: EventList): void {
  for (const [pageId, blocks] of out.content) {
    const page = ws.state.pages[pageId];
    // A page created by this write announces itself with page.created only.
    if (!page || !was.pages[pageId]) continue;
    out.add('page.content_updated', pageId, {
      parent: parentOf(ws, page.parent, was),
      updated_blocks: [...blocks.values()],
    });
  }
  for (const [dsId, rows] of out.rows) {
    const ds = ws.state.dataSources[dsId];
    if (!ds || !was.dataSources[dsId]) continue;
    const updated = [...rows].map((id) => ({ id, type: 'page' }));
    out.add('data_source.content_updated', dsId, {
      parent: { id: ds.databaseId, type: 'database' },
      updated_blocks: updated,
    });
    const db = ws.state.databases[ds.databaseId];
    if (db)
      out.add('database.content_updated', db.id, {
        parent: parentOf(ws, db.parent, was),
        updated_blocks: updated,
      });
  }
}

/** The records of `ids` that exist now. */
function live<T>(map: Record<string, T>, ids: Set<string>): T[] {
  return [...ids].flatMap((id) => (Object.hasOwn(map, id) ? [map[id] as T] : []));
}

/** The events one write caused, in a stable order (creations before updates). */
export function detectEvents(
  ws: Workspace,
  captured: Captured,
  author: EventAuthor,
): WorkspaceEvent[] {
  const { was, touched } = captured;
  const out = new EventList(author, ws.now());
  detectDatabases(ws, was, touched.databases, out);
  detectDataSources(ws, was, touched.dataSources, out);
  detectPages(ws, was, touched.pages, out);
  detectBlocks(ws, was, touched.blocks, out);
  detectComments(ws, was, touched.comments, out);
  flushContent(ws, was, out);
  return out.events;
}
