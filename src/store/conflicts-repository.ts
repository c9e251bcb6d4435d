// The conflict queue: one open conflict per record and property (a partial unique index keeps it
// so); opening again refreshes the values. Resolving records the choice and who made it; what to
// write back is push's business.
import { NotionSyncError } from '../errors.ts';
import { toNullableJsonText } from './json-columns.ts';
import type { RepositoryContext } from './repository-context.ts';
import { toConflict } from './row-mappers.ts';
import type { Conflict, ConflictResolution, JsonValue } from './store-types.ts';

export interface OpenConflictInput {
  recordId: number;
  propertyId: string;
  propertyName: string;
  baseValue: JsonValue | null;
  notionValue: JsonValue | null;
  localValue: JsonValue | null;
  outboxId?: number | null;
  runId?: number | null;
}

export interface ResolveConflictInput {
  take: ConflictResolution;
  /** The chosen value: required for `value`; for notion/local the stored side is used. */
  value?: JsonValue;
  resolvedBy: string;
}

export interface ConflictsRepository {
  open(input: OpenConflictInput): Promise<Conflict>;
  list(options?: {
    sourceId?: number;
    recordId?: number;
    state?: 'open' | 'resolved' | 'all';
  }): Promise<Conflict[]>;
  get(conflictId: number): Promise<Conflict | null>;
  /** Resolves an open conflict; `store_invalid_state` when it is already resolved. */
  resolve(conflictId: number, input: ResolveConflictInput): Promise<Conflict>;
}

export function createConflictsRepository(ctx: RepositoryContext): ConflictsRepository {
  const { dialect } = ctx;
  const db = dialect.db;
  return {
    open: (input) =>
      dialect.transaction(async (trx) => {
        const values = {
          property_name: input.propertyName,
          base_value: toNullableJsonText(input.baseValue),
          notion_value: toNullableJsonText(input.notionValue),
          local_value: toNullableJsonText(input.localValue),
          outbox_id: input.outboxId ?? null,
          run_id: input.runId ?? null,
        };
        const existing = await trx
          .selectFrom('conflicts')
          .select('id')
          .where('record_id', '=', input.recordId)
          .where('property_id', '=', input.propertyId)
          .where('state', '=', 'open')
          .executeTakeFirst();
        const row = existing
          ? await trx
              .updateTable('conflicts')
              .set(values)
              .where('id', '=', existing.id)
              .returningAll()
              .executeTakeFirstOrThrow()
          : await trx
              .insertInto('conflicts')
              .values({
                ...values,
                record_id: input.recordId,
                property_id: input.propertyId,
                state: 'open',
                created_at: ctx.now(),
              })
              .returningAll()
              .executeTakeFirstOrThrow();
        return toConflict(row);
      }),

    list: async (options = {}) => {
      let query = db.selectFrom('conflicts').selectAll('conflicts');
      const state = options.state ?? 'open';
      if (state !== 'all') query = query.where('conflicts.state', '=', state);
      if (options.recordId !== undefined)
        query = query.where('conflicts.record_id', '=', options.recordId);
      if (options.sourceId !== undefined) {
        query = query
          .innerJoin('records', 'records.id', 'conflicts.record_id')
          .where('records.source_id', '=', options.sourceId);
      }
      return (await query.orderBy('conflicts.id').execute()).map(toConflict);
    },

    get: async (conflictId) => {
      const row = await db
        .selectFrom('conflicts')
        .selectAll()
        .where('id', '=', conflictId)
        .executeTakeFirst();
      return row ? toConflict(row) : null;
    },

    resolve: (conflictId, input) =>
      dialect.transaction(async (trx) => {
        const row = await trx
          .selectFrom('conflicts')
          .selectAll()
          .where('id', '=', conflictId)
          .executeTakeFirst();
        if (!row) {
          throw new NotionSyncError('store_not_found', `No conflict with id ${conflictId}.`, {
            details: { conflictId },
          });
        }
        if (row.state !== 'open') {
          throw new NotionSyncError(
            'store_invalid_state',
            `Conflict ${conflictId} is already resolved (${row.resolution}); list open ones with \`notion-sync conflicts\`.`,
            { details: { conflictId } },
          );
        }
        if (input.take === 'value' && input.value === undefined) {
          throw new NotionSyncError(
            'value_invalid',
            `Resolving conflict ${conflictId} with a value needs the value.`,
            {
              details: { conflictId },
            },
          );
        }
        const conflict = toConflict(row);
        const chosen =
          input.take === 'notion'
            ? conflict.notionValue
            : input.take === 'local'
              ? conflict.localValue
              : (input.value ?? null);
        const updated = await trx
          .updateTable('conflicts')
          .set({
            state: 'resolved',
            resolution: input.take,
            resolved_value: toNullableJsonText(chosen),
            resolved_by: input.resolvedBy,
            resolved_at: ctx.now(),
          })
          .where('id', '=', conflictId)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toConflict(updated);
      }),
  };
}
