// Received webhook events, deduplicated by Notion's event id: recording the same event twice
// inserts nothing the second time (ON CONFLICT DO NOTHING on both dialects). An event stays
// `pending` until processed; a failed attempt keeps it pending with a later `next_attempt_at`,
// and after the last attempt it is `failed` (parked with its error, shown by `status`).
import { toJsonText } from './json-columns.ts';
import type { RepositoryContext } from './repository-context.ts';
import { toWebhookEvent } from './row-mappers.ts';
import type { JsonValue, WebhookEvent } from './store-types.ts';

export interface RecordWebhookEventInput {
  eventId: string;
  type: string;
  entityId?: string | null;
  payload: JsonValue;
  /** The connection whose URL received it (`default` when omitted). */
  connection?: string;
}

export interface WebhookEventCounts {
  pending: number;
  processed: number;
  failed: number;
}

export interface WebhookEventsRepository {
  /** Stores a received event; `inserted` is false for a duplicate delivery. */
  record(input: RecordWebhookEventInput): Promise<{ inserted: boolean }>;
  /** Stores several events in ONE transaction (one commit); results keep the input order. */
  recordMany(inputs: RecordWebhookEventInput[]): Promise<{ inserted: boolean }[]>;
  /** Marks events processed (or, with `error`, parked as `failed`), all in one statement. */
  markProcessed(eventIds: string | string[], outcome?: { error?: string }): Promise<void>;
  listPending(limit?: number): Promise<WebhookEvent[]>;
  /** Pending events whose retry time (if any) has come, oldest first. */
  listDue(limit?: number): Promise<WebhookEvent[]>;
  /** Counts a failed attempt and keeps the event pending until `nextAttemptAt`. */
  markRetry(eventId: string, error: string, nextAttemptAt: string): Promise<void>;
  get(eventId: string): Promise<WebhookEvent | null>;
  /** Parked (failed) events, newest first. */
  listFailed(limit?: number): Promise<WebhookEvent[]>;
  /** When each connection last received an event. */
  lastReceived(): Promise<Record<string, string>>;
  countByState(): Promise<WebhookEventCounts>;
}

export function createWebhookEventsRepository(ctx: RepositoryContext): WebhookEventsRepository {
  const { dialect } = ctx;
  const recordMany = (inputs: RecordWebhookEventInput[]) =>
    dialect.transaction(async (trx) => {
      const results: { inserted: boolean }[] = [];
      for (const input of inputs) {
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
            connection: input.connection ?? 'default',
          })
          .onConflict((oc) => oc.column('event_id').doNothing())
          .executeTakeFirst();
        results.push({ inserted: Number(result.numInsertedOrUpdatedRows ?? 0n) === 1 });
      }
      return results;
    });
  return {
    record: async (input) => (await recordMany([input]))[0]!,
    recordMany,

    markProcessed: async (eventIds, outcome = {}) => {
      const ids = typeof eventIds === 'string' ? [eventIds] : eventIds;
      if (ids.length === 0) return;
      // One statement for the whole batch: one commit (one fsync) however many events.
      await dialect.db
        .updateTable('webhook_events')
        .set((eb) => ({
          state: outcome.error === undefined ? 'processed' : 'failed',
          attempts: eb('attempts', '+', 1),
          last_error: outcome.error ?? null,
          processed_at: ctx.now(),
        }))
        .where('event_id', 'in', ids)
        .execute();
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

    listDue: async (limit = 100) => {
      const now = ctx.now();
      const rows = await dialect.db
        .selectFrom('webhook_events')
        .selectAll()
        .where('state', '=', 'pending')
        .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
        .orderBy('received_at')
        .limit(limit)
        .execute();
      return rows.map(toWebhookEvent);
    },

    markRetry: async (eventId, error, nextAttemptAt) => {
      await dialect.db
        .updateTable('webhook_events')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: error,
          next_attempt_at: nextAttemptAt,
        }))
        .where('event_id', '=', eventId)
        .execute();
    },

    listFailed: async (limit = 50) => {
      const rows = await dialect.db
        .selectFrom('webhook_events')
        .selectAll()
        .where('state', '=', 'failed')
        .orderBy('processed_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toWebhookEvent);
    },

    lastReceived: async () => {
      const rows = await dialect.db
        .selectFrom('webhook_events')
        .select(['connection', (eb) => eb.fn.max('received_at').as('last')])
        .groupBy('connection')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.connection, String(r.last)]));
    },

    countByState: async () => {
      const rows = await dialect.db
        .selectFrom('webhook_events')
        .select(['state', (eb) => eb.fn.countAll<string | number>().as('n')])
        .groupBy('state')
        .execute();
      const counts: WebhookEventCounts = { pending: 0, processed: 0, failed: 0 };
      for (const row of rows) {
        if (row.state in counts) counts[row.state as keyof WebhookEventCounts] = Number(row.n);
      }
      return counts;
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
