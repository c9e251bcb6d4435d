// Received webhook events, deduplicated by Notion's event id: recording the same event twice
// inserts nothing the second time (ON CONFLICT DO NOTHING on both dialects).
import { toJsonText } from './json-columns.ts';
import type { RepositoryContext } from './repository-context.ts';
import { toWebhookEvent } from './row-mappers.ts';
import type { JsonValue, WebhookEvent } from './store-types.ts';

export interface RecordWebhookEventInput {
  eventId: string;
  type: string;
  entityId?: string | null;
  payload: JsonValue;
}

export interface WebhookEventsRepository {
  /** Stores a received event; `inserted` is false for a duplicate delivery. */
  record(input: RecordWebhookEventInput): Promise<{ inserted: boolean }>;
  markProcessed(eventId: string, outcome?: { error?: string }): Promise<void>;
  listPending(limit?: number): Promise<WebhookEvent[]>;
  get(eventId: string): Promise<WebhookEvent | null>;
}

export function createWebhookEventsRepository(ctx: RepositoryContext): WebhookEventsRepository {
  const { dialect } = ctx;
  return {
    record: (input) =>
      dialect.transaction(async (trx) => {
        const result = await trx
          .insertInto('webhook_events')
          .values({
            event_id: input.eventId,
            type: input.type,
            entity_id: input.entityId ?? null,
            payload: toJsonText(input.payload),
            state: 'pending',
            attempts: 0,
            received_at: ctx.now(),
          })
          .onConflict((oc) => oc.column('event_id').doNothing())
          .executeTakeFirst();
        return { inserted: Number(result.numInsertedOrUpdatedRows ?? 0n) === 1 };
      }),

    markProcessed: async (eventId, outcome = {}) => {
      await dialect.transaction(async (trx) => {
        const row = await trx
          .selectFrom('webhook_events')
          .select('attempts')
          .where('event_id', '=', eventId)
          .executeTakeFirst();
        await trx
          .updateTable('webhook_events')
          .set({
            state: outcome.error === undefined ? 'processed' : 'failed',
            attempts: (row?.attempts ?? 0) + 1,
            last_error: outcome.error ?? null,
            processed_at: ctx.now(),
          })
          .where('event_id', '=', eventId)
          .execute();
      });
    },

    listPending: async (limit = 100) => {
      const rows = await dialect.db
        .selectFrom('webhook_events')
        .selectAll()
        .where('state', '=', 'pending')
        .orderBy('received_at')
        .limit(limit)
        .execute();
      return rows.map(toWebhookEvent);
    },

    get: async (eventId) => {
      const row = await dialect.db
        .selectFrom('webhook_events')
        .selectAll()
        .where('event_id', '=', eventId)
        .executeTakeFirst();
      return row ? toWebhookEvent(row) : null;
    },
  };
}
