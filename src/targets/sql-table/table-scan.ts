// Scan of a user's table: every row's normalized hash against the one remembered at the last
// export or scan (or only rows whose `updatedAt` moved, plus a key listing for deletes). Reads
// only; the engine applies the changes through the records API and then remembers the hashes, so
// a crash before that makes the next scan report the same changes again — and an edit already
// applied then compares equal to the record and sets nothing.
import { sql } from 'kysely';
import type { JsonValue, TargetItem, TargetRecordView } from '../../store/index.ts';
import type { LocalChange, ScanResult, TargetInput } from '../target.ts';
import type { TablePlan } from './column-mapping.ts';
import type { RelationKeys } from './relation-keys.ts';
import {
  keyText,
  normalizeRow,
  projectFields,
  type RowValues,
  readRows,
  rowHash,
  rowToProperty,
} from './row-codec.ts';
import type { TableAccess } from './table-access.ts';

export interface ScanContext {
  access: TableAccess;
  plan: TablePlan;
  relations: RelationKeys;
  onLocalDelete: 'trash' | 'keep';
  cursor: string | null;
}

interface Known {
  items: TargetItem[];
  byKey: Map<string, TargetItem>;
  byRecord: Map<number, TargetRecordView>;
  /** Live records by local key and by the value of their key property. */
  byRecordKey: Map<string, TargetRecordView>;
  intents: TargetItem[];
  claimed: Set<number>;
}

function index(input: TargetInput, items: TargetItem[]): Known {
  const byRecordKey = new Map<string, TargetRecordView>();
  for (const view of input.records) {
    if (view.record.tombstone !== null) continue;
    const keyValue = input.keyPropertyId ? keyText(view.fields[input.keyPropertyId]) : null;
    if (keyValue) byRecordKey.set(keyValue, view);
    byRecordKey.set(view.record.localKey, view);
  }
  return {
    items,
    byKey: new Map(items.filter((i) => i.itemKey !== null).map((i) => [i.itemKey!, i])),
    byRecord: new Map(input.records.map((v) => [v.record.id, v])),
    byRecordKey,
    intents: items.filter((i) => i.state === 'intent'),
    claimed: new Set(items.map((i) => i.recordId)),
  };
}

/** The record a row belongs to: its bookkeeping, a pending insert intent, or a record with its key. */
function findRecord(known: Known, key: string, values: RowValues): TargetRecordView | null {
  const item = known.byKey.get(key);
  if (item) return known.byRecord.get(item.recordId) ?? null;
  const intentHash = rowHash(null, values);
  const intent = known.intents.find((i) => i.itemKey === null && i.targetHash === intentHash);
  if (intent) {
    known.intents = known.intents.filter((i) => i !== intent);
    return known.byRecord.get(intent.recordId) ?? null;
  }
  const view = known.byRecordKey.get(key);
  return view && !known.claimed.has(view.record.id) ? view : null;
}

function sameRowValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function changeOf(
  ctx: ScanContext,
  input: TargetInput,
  key: string,
  values: RowValues,
  hash: string,
  view: TargetRecordView | null,
): LocalChange | 'waiting' | null {
  const set: Record<string, JsonValue> = {};
  let waiting = false;
  const current = view ? projectFields(ctx.plan, view.fields, ctx.relations.keyOfPage).values : {};
  const merged: RowValues = { ...current };
  for (const mapped of ctx.plan.columns) {
    const name = mapped.column.name;
    if (view && sameRowValue(values[name], current[name])) continue;
    merged[name] = values[name] ?? null;
    if (!mapped.toNotion) continue;
    const value = rowToProperty(mapped, values[name] ?? null, ctx.relations.pageOfKey);
    if (value === undefined) waiting = true;
    else set[mapped.property.id] = value;
  }
  const storeHash = rowHash(key, merged);
  const targetHash = waiting ? null : hash;
  if (!view)
    return waiting
      ? 'waiting'
      : { kind: 'create', itemKey: key, values: set, targetHash, storeHash };
  if (view.record.tombstone !== null) return null; // trashed in Notion: export applies the policy
  if (input.keyPropertyId && keyText(view.fields[input.keyPropertyId]) !== key)
    set[input.keyPropertyId] = key;
  return {
    kind: 'update',
    recordId: view.record.id,
    itemKey: key,
    values: set,
    targetHash,
    storeHash,
  };
}

/** An unchanged row whose page does not carry its key (yet): write the key into the page. */
function keyRepair(
  input: TargetInput,
  known: Known,
  item: TargetItem,
  key: string,
): LocalChange | null {
  const view = known.byRecord.get(item.recordId);
  if (
    !input.keyPropertyId ||
    !view ||
    view.record.tombstone !== null ||
    view.record.pageId === null
  )
    return null;
  if (keyText(view.fields[input.keyPropertyId]) === key) return null;
  return {
    kind: 'update',
    recordId: item.recordId,
    itemKey: key,
    values: { [input.keyPropertyId]: key },
    targetHash: item.targetHash,
    storeHash: item.storeHash ?? '',
  };
}

async function listKeys(ctx: ScanContext): Promise<Set<string>> {
  const rows = await ctx.access
    .reader()
    .selectFrom(ctx.plan.table)
    .select(sql.ref(ctx.plan.key.name).as('k') as never)
    .execute();
  return new Set(
    rows.map((r) => keyText((r as { k: unknown }).k)).filter((k): k is string => k !== null),
  );
}

function deletions(ctx: ScanContext, known: Known, present: Set<string>): LocalChange[] {
  return known.items
    .filter((i) => i.state === 'synced' && i.itemKey !== null && !present.has(i.itemKey))
    .map((item) => {
      const view = known.byRecord.get(item.recordId);
      const live = view !== undefined && view.record.tombstone === null;
      const action = !live ? 'forget' : ctx.onLocalDelete === 'keep' ? 'keep' : 'trash';
      return { kind: 'delete', recordId: item.recordId, itemKey: item.itemKey!, action };
    });
}

async function changedRows(
  ctx: ScanContext,
): Promise<{ rows: Record<string, unknown>[]; cursor: string | null }> {
  const db = ctx.access.reader();
  if (!ctx.plan.updatedAt)
    return { rows: await readRows(db, ctx.access.dialect, ctx.plan), cursor: null };
  const column = sql.ref(ctx.plan.updatedAt.name);
  const max = await db
    .selectFrom(ctx.plan.table)
    .select(sql<string>`max(${column})`.as('m') as never)
    .executeTakeFirst();
  const rows = await readRows(db, ctx.access.dialect, ctx.plan, { changedSince: ctx.cursor });
  const top = (max as { m: unknown } | undefined)?.m;
  return {
    rows,
    cursor:
      top === null || top === undefined
        ? ctx.cursor
        : String(top instanceof Date ? top.toISOString() : top),
  };
}

/** Changes of the table since the last export or scan. */
export async function scanTable(
  ctx: ScanContext,
  input: TargetInput,
  items: TargetItem[],
): Promise<ScanResult> {
  const known = index(input, items);
  const { rows, cursor } = await changedRows(ctx);
  const result: ScanResult = {
    changes: [],
    scanned: rows.length,
    unchanged: 0,
    waiting: 0,
    cursor,
  };
  for (const raw of rows) {
    const { key, values } = normalizeRow(ctx.plan, raw);
    if (key === null) continue;
    const hash = rowHash(key, values);
    const item = known.byKey.get(key);
    if ((item?.targetHash === hash && item.state === 'synced') || item?.state === 'detached') {
      const keyFix = item.state === 'synced' ? keyRepair(input, known, item, key) : null;
      if (keyFix) result.changes.push(keyFix);
      else result.unchanged += 1;
      continue;
    }
    const change = changeOf(ctx, input, key, values, hash, findRecord(known, key, values));
    if (change === 'waiting') result.waiting += 1;
    else if (change) {
      if (change.kind !== 'delete' && change.targetHash === null) result.waiting += 1;
      if (change.kind === 'update') known.claimed.add(change.recordId);
      result.changes.push(change);
    }
  }
  const present = ctx.plan.updatedAt
    ? await listKeys(ctx)
    : new Set(
        rows.map((r) => keyText(r[ctx.plan.key.name])).filter((k): k is string => k !== null),
      );
  result.changes.push(...deletions(ctx, known, present));
  return result;
}
