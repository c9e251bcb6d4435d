// Checkpoints: per source, the inclusive `last_edited_time` cursor (the next query starts at it,
// minus the overlap window), the in-flight query state and the last complete reconcile. A
// checkpoint is only ever advanced in the transaction that commits the rows it covers
// (commitPullBatch), so after a crash it is never ahead of the data.
import type { Kysely } from 'kysely';
import { toNullableJsonText } from './json-columns.ts';
import type { RepositoryContext } from './repository-context.ts';
import { toCheckpoint } from './row-mappers.ts';
import type { Database } from './schema.ts';
import type { Checkpoint, CheckpointUpdate } from './store-types.ts';

export interface CheckpointsRepository {
  read(sourceId: number): Promise<Checkpoint | null>;
  /** Merges `update` into the stored checkpoint (absent keys are kept) in one transaction. */
  write(sourceId: number, update: CheckpointUpdate, runId?: number | null): Promise<Checkpoint>;
}

/** Writes a checkpoint inside an open transaction; keys absent from `update` keep their value. */
export async function writeCheckpointIn(
  trx: Kysely<Database>,
  sourceId: number,
  update: CheckpointUpdate,
  runId: number | null,
  now: string,
): Promise<Checkpoint> {
  const current = await trx
    .selectFrom('checkpoints')
    .selectAll()
    .where('source_id', '=', sourceId)
    .executeTakeFirst();
  const row = {
    source_id: sourceId,
    cursor: update.cursor !== undefined ? update.cursor : (current?.cursor ?? null),
    cursor_page_id:
      update.cursorPageId !== undefined ? update.cursorPageId : (current?.cursor_page_id ?? null),
    query_state:
      update.queryState !== undefined
        ? toNullableJsonText(update.queryState)
        : (current?.query_state ?? null),
    last_complete_reconcile_at:
      update.lastCompleteReconcileAt !== undefined
        ? update.lastCompleteReconcileAt
        : (current?.last_complete_reconcile_at ?? null),
    run_id: runId ?? current?.run_id ?? null,
    updated_at: now,
  };
  if (current) {
    await trx.updateTable('checkpoints').set(row).where('source_id', '=', sourceId).execute();
  } else {
    await trx.insertInto('checkpoints').values(row).execute();
  }
  return toCheckpoint(row);
}

export function createCheckpointsRepository(ctx: RepositoryContext): CheckpointsRepository {
  return {
    read: async (sourceId) => {
      const row = await ctx.dialect.db
        .selectFrom('checkpoints')
        .selectAll()
        .where('source_id', '=', sourceId)
        .executeTakeFirst();
      return row ? toCheckpoint(row) : null;
    },
    write: (sourceId, update, runId = null) =>
      ctx.dialect.transaction((trx) => writeCheckpointIn(trx, sourceId, update, runId, ctx.now())),
  };
}
