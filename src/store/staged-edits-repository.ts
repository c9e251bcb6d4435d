// Staged edits: changes an agent proposed, kept apart from records and versions until a person
// (or `approve_staged`) decides. Invariants: a staged edit is never a version, never in a view,
// a target or the outbox; deciding is a compare-and-set from `pending`, so two approvals of one
// edit never both apply it; a failed approval puts it back to `pending` with the reason.
import { fromJsonText, toJsonText } from './json-columns.ts';
import type { RepositoryContext, Row } from './repository-context.ts';
import type { JsonValue } from './store-types.ts';

export type StagedOp = 'create' | 'update' | 'delete';
export type StagedState = 'pending' | 'approved' | 'rejected';

export interface StagedEdit {
  id: number;
  sourceId: number;
  /** The record an update or delete targets; null for a create. */
  recordId: number | null;
  op: StagedOp;
  /** Plain values keyed by property name, as proposed (checked again on approval). */
  values: Record<string, JsonValue>;
  note: string | null;
  stagedBy: string;
  state: StagedState;
  decidedBy: string | null;
  decidedAt: string | null;
  /** The outbox item the approved edit became. */
  outboxId: number | null;
  /** Why the last approval failed (the edit stayed pending). */
  error: string | null;
  createdAt: string;
}

export interface StageEditInput {
  sourceId: number;
  recordId: number | null;
  op: StagedOp;
  values: Record<string, JsonValue>;
  note?: string | null;
  stagedBy: string;
}

export interface StagedEditsRepository {
  add(input: StageEditInput): Promise<StagedEdit>;
  get(id: number): Promise<StagedEdit | null>;
  /** Oldest first. */
  list(options?: { state?: StagedState; sourceId?: number }): Promise<StagedEdit[]>;
  /** Moves a pending edit to `state`; null when it is not pending (already decided). */
  decide(id: number, state: 'approved' | 'rejected', decidedBy: string): Promise<StagedEdit | null>;
  /** After an approval turned into a local edit: the outbox item it became. */
  linkOutbox(id: number, outboxId: number): Promise<void>;
  /** An approval that could not be applied: back to pending, with the reason. */
  reopen(id: number, error: string): Promise<void>;
}

function toStagedEdit(row: Row<'staged_edits'>): StagedEdit {
  return {
    id: Number(row.id),
    sourceId: Number(row.source_id),
    recordId: row.record_id === null ? null : Number(row.record_id),
    op: row.op as StagedOp,
    values: fromJsonText<Record<string, JsonValue>>(row.values_json, {}),
    note: row.note,
    stagedBy: row.staged_by,
    state: row.state as StagedState,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    outboxId: row.outbox_id === null ? null : Number(row.outbox_id),
    error: row.error,
    createdAt: row.created_at,
  };
}

export function createStagedEditsRepository(ctx: RepositoryContext): StagedEditsRepository {
  const db = ctx.dialect.db;
  const get = async (id: number) => {
    const row = await db
      .selectFrom('staged_edits')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toStagedEdit(row) : null;
  };
  return {
    add: async (input) => {
      const row = await db
        .insertInto('staged_edits')
        .values({
          source_id: input.sourceId,
          record_id: input.recordId,
          op: input.op,
          values_json: toJsonText(input.values),
          note: input.note ?? null,
          staged_by: input.stagedBy,
          state: 'pending',
          created_at: ctx.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toStagedEdit(row);
    },
    get,
    list: async (options = {}) => {
      let query = db.selectFrom('staged_edits').selectAll().orderBy('id');
      if (options.state) query = query.where('state', '=', options.state);
      if (options.sourceId !== undefined) query = query.where('source_id', '=', options.sourceId);
      return (await query.execute()).map(toStagedEdit);
    },
    decide: async (id, state, decidedBy) => {
      const row = await db
        .updateTable('staged_edits')
        .set({ state, decided_by: decidedBy, decided_at: ctx.now(), error: null })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
      return row ? toStagedEdit(row) : null;
    },
    linkOutbox: async (id, outboxId) => {
      await db
        .updateTable('staged_edits')
        .set({ outbox_id: outboxId })
        .where('id', '=', id)
        .execute();
    },
    reopen: async (id, error) => {
      await db
        .updateTable('staged_edits')
        .set({ state: 'pending', decided_by: null, decided_at: null, error })
        .where('id', '=', id)
        .execute();
    },
  };
}
