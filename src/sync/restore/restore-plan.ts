// The difference between a point in time and Notion now, per record of one source. Invariants:
// "Notion now" is the store right after a pull; "then" is the newest Notion-side version stored
// at or before the time (local edits never count); computed properties are never part of a
// change; a page gone for good (404) is reported, never re-created (that would be a new page).

import { isDeepStrictEqual } from 'node:util';
import { NotionSyncError } from '../../errors.ts';
import { COMPUTED_TYPES } from '../../notion/index.ts';
import type { JsonValue, Source, Store, StoreRecord, Version } from '../store-api.ts';
import type { RestoreChange, RestorePlan, RestorePropertyChange } from './restore-types.ts';

function propertyChanges(
  source: Source,
  then: Record<string, JsonValue>,
  now: Record<string, JsonValue>,
): RestorePropertyChange[] {
  const out: RestorePropertyChange[] = [];
  for (const property of Object.values(source.schema.properties)) {
    if (COMPUTED_TYPES.has(property.type) || !Object.hasOwn(then, property.id)) continue;
    const restored = then[property.id] ?? null;
    const current = now[property.id] ?? null;
    if (isDeepStrictEqual(restored, current)) continue;
    out.push({ propertyId: property.id, name: property.name, now: current, restored });
  }
  return out;
}

/** Records of the source with a local edit waiting in the outbox (pending, in flight or dead). */
async function recordsWithPendingEdits(store: Store, sourceId: number): Promise<Set<number>> {
  const waiting = await Promise.all(
    (['pending', 'in_flight', 'dead'] as const).map((state) =>
      store.outbox.list({ sourceId, state }),
    ),
  );
  return new Set(waiting.flat().map((item) => item.recordId));
}

/** The change that brings one record back to `then` (null: nothing to do). */
export function changeFor(
  source: Source,
  record: StoreRecord,
  then: Version | null,
  now: Version | null,
  trashedSince: (record: StoreRecord) => boolean,
  hasPendingEdit = false,
): RestoreChange | null {
  if (!record.pageId) return null;
  const base = { recordId: record.id, pageId: record.pageId };
  const change = decide(source, record, then, now, trashedSince, base);
  return change && hasPendingEdit ? { ...change, action: 'pending_edit' } : change;
}

function decide(
  source: Source,
  record: StoreRecord,
  then: Version | null,
  now: Version | null,
  trashedSince: (record: StoreRecord) => boolean,
  base: { recordId: number; pageId: string },
): RestoreChange | null {
  if (!then) {
    return record.tombstone === null ? { ...base, action: 'trash', properties: [] } : null;
  }
  const properties = propertyChanges(source, then.fields, now?.fields ?? {});
  if (record.tombstone !== null) {
    if (!trashedSince(record)) return null;
    if (record.tombstone !== 'trashed') return { ...base, action: 'impossible', properties };
    return { ...base, action: 'untrash', properties };
  }
  return properties.length > 0 ? { ...base, action: 'update', properties } : null;
}

/** Plans the restore of a whole source to `asOf`. `restore_before_history` before its first pull. */
export async function planSourceRestore(
  store: Store,
  source: Source,
  asOf: string,
): Promise<RestorePlan> {
  const earliest = await store.pointInTime.earliest(source.id);
  if (earliest === null || asOf < earliest) {
    throw new NotionSyncError(
      'restore_before_history',
      earliest === null
        ? `Source "${source.name}" has no stored history yet; pull it first.`
        : `${asOf} is before the history of source "${source.name}" starts; the earliest point to restore is ${earliest}.`,
      { details: { source: source.name, asOf, earliest } },
    );
  }
  const changes: RestoreChange[] = [];
  const pending = await recordsWithPendingEdits(store, source.id);
  for (const { record, atTime, now } of await store.pointInTime.listAsOf(source.id, asOf)) {
    const since = (r: StoreRecord) => r.tombstonedAt !== null && r.tombstonedAt > asOf;
    const change = changeFor(source, record, atTime, now, since, pending.has(record.id));
    if (change) changes.push(change);
  }
  return { source: source.name, asOf, toVersion: null, earliest, changes, contentRestored: false };
}

/** Plans the restore of one page to version `seq` of its record. */
export async function planPageRestore(
  store: Store,
  source: Source,
  record: StoreRecord,
  seq: number,
): Promise<RestorePlan> {
  const version = await store.history.getVersion(record.id, seq);
  if (!version) {
    const versions = await store.history.listVersions(record.id);
    throw new NotionSyncError(
      'usage',
      `Page ${record.pageId} has no version ${seq}; it has ${versions.map((v) => v.seq).join(', ') || 'none'} (see \`notion-sync history ${record.pageId}\`).`,
      { details: { pageId: record.pageId, seq } },
    );
  }
  const now = await store.pointInTime.newestNotionVersion(record.id);
  const pending = await recordsWithPendingEdits(store, source.id);
  const change = changeFor(source, record, version, now, () => true, pending.has(record.id));
  return {
    source: source.name,
    asOf: null,
    toVersion: seq,
    earliest: await store.pointInTime.earliest(source.id),
    changes: change ? [change] : [],
    contentRestored: false,
  };
}
