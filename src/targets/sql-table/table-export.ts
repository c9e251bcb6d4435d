// Export to a user's table: records whose projection changed since the last export are written,
// in batches, each batch in one transaction that touches only the mapped columns (and the key on
// insert). A batch the database refuses is retried row by row, so one bad value parks only its
// record (with the database's message) and the rest go on. Bookkeeping: see table-access.ts.

import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { JsonValue, TargetItem, TargetRecordView, UserDatabase } from '../../store/index.ts';
import { type ExportResult, emptyExportResult, type TargetInput } from '../target.ts';
import type { TablePlan } from './column-mapping.ts';
import type { RelationKeys } from './relation-keys.ts';
import {
  keyParameter,
  keyText,
  normalizeRow,
  projectFields,
  type RowValues,
  readRows,
  rowHash,
  toParameter,
} from './row-codec.ts';
import type { Bookkeeping, TableAccess } from './table-access.ts';

export interface ExportContext {
  access: TableAccess;
  plan: TablePlan;
  relations: RelationKeys;
  onNotionDelete: 'delete' | 'keep';
  sourceId: number;
}

interface WriteOp {
  kind: 'insert' | 'update';
  view: TargetRecordView;
  item: TargetItem | undefined;
  key: string | null;
  values: RowValues;
  storeHash: string | null;
}

interface RemoveOp {
  kind: 'delete' | 'detach';
  view: TargetRecordView;
  item: TargetItem;
}

type Op = WriteOp | RemoveOp;

function isWrite(op: Op): op is WriteOp {
  return op.kind === 'insert' || op.kind === 'update';
}

const BATCH_ROWS = 500;

function keyOf(
  input: TargetInput,
  view: TargetRecordView,
  item: TargetItem | undefined,
): string | null {
  if (item?.itemKey) return item.itemKey;
  return input.keyPropertyId ? keyText(view.fields[input.keyPropertyId]) : null;
}

function planOp(
  ctx: ExportContext,
  input: TargetInput,
  view: TargetRecordView,
  item: TargetItem | undefined,
): Op | null {
  if (view.record.tombstone !== null) {
    if (item?.state !== 'synced' || item.itemKey === null) return null;
    return { kind: ctx.onNotionDelete === 'keep' ? 'detach' : 'delete', view, item };
  }
  if (view.record.pageId === null || item?.state === 'detached') return null;
  const projected = projectFields(ctx.plan, view.fields, ctx.relations.keyOfPage);
  const key = keyOf(input, view, item);
  const storeHash = projected.complete ? rowHash(key, projected.values) : null;
  if (item && storeHash !== null && item.storeHash === storeHash) return null;
  const exists =
    item !== undefined &&
    item.itemKey !== null &&
    item.state !== 'intent' &&
    !(item.state === 'parked' && item.targetHash === null);
  return {
    kind: exists ? 'update' : 'insert',
    view,
    item,
    key,
    values: projected.values,
    storeHash,
  };
}

function columnsOf(ctx: ExportContext, values: RowValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const mapped of ctx.plan.columns) {
    if (!mapped.toTable || !(mapped.column.name in values)) continue;
    out[mapped.column.name] = toParameter(
      ctx.access.dialect,
      mapped,
      values[mapped.column.name] as JsonValue,
    );
  }
  return out;
}

/** The key a row created in Notion gets: the page's key, a generated one, or the page id. */
function newKey(ctx: ExportContext, op: WriteOp): string | null {
  if (op.key !== null) return op.key;
  if (ctx.plan.keyGenerated) return null;
  if (ctx.plan.key.kind === 'text') return op.view.record.pageId ?? randomUUID();
  throw new Error(
    `key column "${ctx.plan.key.name}" has no default: give the page a key in its sync key property, or give the column a default (identity, serial)`,
  );
}

async function writeOp(ctx: ExportContext, db: UserDatabase, op: Op): Promise<string | null> {
  const { plan } = ctx;
  const keyRef = sql.ref(plan.key.name);
  if (!isWrite(op)) {
    if (op.kind === 'detach') return null;
    await db
      .deleteFrom(plan.table)
      .where(keyRef, '=', keyParameter(plan.key, op.item.itemKey!))
      .execute();
    return null;
  }
  const columns = columnsOf(ctx, op.values);
  if (op.kind === 'update') {
    if (Object.keys(columns).length > 0)
      await db
        .updateTable(plan.table)
        .set(columns)
        .where(keyRef, '=', keyParameter(plan.key, op.key!))
        .execute();
    return op.key;
  }
  const key = newKey(ctx, op);
  if (key !== null) columns[plan.key.name] = keyParameter(plan.key, key);
  const row = await db
    .insertInto(plan.table)
    .values(columns)
    .returning(sql.ref(plan.key.name).as('k') as never)
    .executeTakeFirst();
  return keyText((row as { k: unknown } | undefined)?.k) ?? key;
}

/**
 * Inserts of rows whose key is known, as one multi-row statement per set of columns (what a
 * batch of rows created in Notion, or a first export, mostly is).
 */
async function insertKeyed(
  ctx: ExportContext,
  db: UserDatabase,
  ops: WriteOp[],
): Promise<{ op: Op; key: string | null }[]> {
  const groups = new Map<string, { op: WriteOp; row: Record<string, unknown> }[]>();
  for (const op of ops) {
    const row = {
      ...columnsOf(ctx, op.values),
      [ctx.plan.key.name]: keyParameter(ctx.plan.key, op.key!),
    };
    const shape = Object.keys(row).sort().join(',');
    groups.set(shape, [...(groups.get(shape) ?? []), { op, row }]);
  }
  for (const group of groups.values()) {
    await db
      .insertInto(ctx.plan.table)
      .values(group.map((g) => g.row))
      .execute();
  }
  return ops.map((op) => ({ op, key: op.key }));
}

function intentOf(ctx: ExportContext, op: Op): Bookkeeping | null {
  if (op.kind !== 'insert' || !isWrite(op)) return null;
  return {
    put: {
      recordId: op.view.record.id,
      sourceId: ctx.sourceId,
      itemKey: op.key,
      targetHash: rowHash(null, op.values),
      storeHash: null,
      state: 'intent',
    },
  };
}

/** Writes `ops` in one transaction; returns false when the database refused it. */
async function writeBatch(
  ctx: ExportContext,
  ops: Op[],
  result: ExportResult,
): Promise<string | null> {
  const written: { op: Op; key: string | null }[] = [];
  try {
    await ctx.access.batch(async (db) => {
      written.length = 0;
      const bulk = ops.filter(
        (op): op is WriteOp => op.kind === 'insert' && isWrite(op) && op.key !== null,
      );
      written.push(...(await insertKeyed(ctx, db, bulk)));
      for (const op of ops.filter((o) => !bulk.includes(o as WriteOp)))
        written.push({ op, key: await writeOp(ctx, db, op) });
      const keys = written.map((w) => w.key).filter((k): k is string => k !== null);
      const hashes = new Map(
        (await readRows(db, ctx.access.dialect, ctx.plan, { keys })).map((raw) => {
          const row = normalizeRow(ctx.plan, raw);
          return [row.key, rowHash(row.key, row.values)];
        }),
      );
      return written.map(({ op, key }) => bookkeepingOf(ctx, op, key, hashes));
    });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  for (const { op, key } of written) count(result, op, key);
  return null;
}

function bookkeepingOf(
  ctx: ExportContext,
  op: Op,
  key: string | null,
  hashes: Map<string | null, string>,
): Bookkeeping {
  const recordId = op.view.record.id;
  const base = { recordId, sourceId: ctx.sourceId };
  if (!isWrite(op)) {
    return op.kind === 'delete'
      ? { remove: recordId }
      : { put: { ...op.item, ...base, state: 'detached' } };
  }
  return {
    put: {
      ...base,
      itemKey: key,
      targetHash: hashes.get(key) ?? null,
      storeHash: op.storeHash,
      state: 'synced',
    },
  };
}

function count(result: ExportResult, op: Op, key: string | null): void {
  if (!isWrite(op)) {
    if (op.kind === 'delete') result.deleted += 1;
    else result.detached += 1;
  } else if (op.kind === 'update') result.updated += 1;
  else {
    result.inserted += 1;
    if (key !== null && key !== op.key) result.keys.push({ recordId: op.view.record.id, key });
  }
}

async function park(
  ctx: ExportContext,
  op: Op,
  error: string,
  result: ExportResult,
): Promise<void> {
  result.failed.push({ recordId: op.view.record.id, error });
  const item = 'item' in op ? op.item : undefined;
  await ctx.access.record([
    {
      put: {
        recordId: op.view.record.id,
        sourceId: ctx.sourceId,
        itemKey: item?.itemKey ?? null,
        targetHash: item?.state === 'synced' ? item.targetHash : null,
        storeHash: isWrite(op) ? op.storeHash : null,
        state: 'parked',
        lastError: error,
      },
    },
  ]);
}

/** Writes the records that changed in the store since the last export. */
export async function exportTable(
  ctx: ExportContext,
  input: TargetInput,
  items: TargetItem[],
): Promise<ExportResult> {
  const result = emptyExportResult();
  const byRecord = new Map(items.map((i) => [i.recordId, i]));
  const ops: Op[] = [];
  for (const view of input.records) {
    const op = planOp(ctx, input, view, byRecord.get(view.record.id));
    if (op) ops.push(op);
    else if (view.record.tombstone === null && view.record.pageId !== null) result.unchanged += 1;
  }
  for (let i = 0; i < ops.length; i += BATCH_ROWS) {
    const batch = ops.slice(i, i + BATCH_ROWS);
    if (!ctx.access.sameDatabase)
      await ctx.access.record(batch.map((op) => intentOf(ctx, op)).filter((b) => b !== null));
    if ((await writeBatch(ctx, batch, result)) === null) continue;
    for (const op of batch) {
      const error = await writeBatch(ctx, [op], result);
      if (error !== null) await park(ctx, op, error, result);
    }
  }
  return result;
}
