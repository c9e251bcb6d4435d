// Delivery as notion-api.md §8.5 describes it: asynchronous (an API response never waits for a
// receiver), aggregated over a window, signed, retried with backoff up to 8 attempts with
// `attempt_number` counting, then dropped. Every wait runs on the emulator's clock.

import { randomUUID } from 'node:crypto';
import { createRandom } from '../faults.ts';
import type { JsonObject, WebhookSubscriptionRecord } from '../state.ts';
import type { Workspace } from '../workspace.ts';
import {
  type DeliveryLogEntry,
  MAX_DELIVERY_LOG_ENTRIES,
  type PostResult,
  postJson,
  signBody,
} from './delivery.ts';
import { type EventAuthor, isAggregated, mergeEvents, type WorkspaceEvent } from './events.ts';
import type { Scheduler } from './scheduler.ts';

/** Attempts per event, as `attempt_number` 1–8 (§8.5). */
export const MAX_DELIVERY_ATTEMPTS = 8;
/** Wait before attempt 2, 3, … 8 (Notion documents no schedule; this one spans ~4 hours). */
export const RETRY_DELAYS_MS: readonly number[] = [
  30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
];
/** Default aggregation window (Notion: "a short window"). */
export const DEFAULT_AGGREGATE_MS = 2_000;

export interface DispatcherOptions {
  ws: Workspace;
  scheduler: Scheduler;
  fetch: typeof fetch;
  aggregateMs: number;
  /** Real time a receiver has to answer one delivery. */
  timeoutMs: number;
  faultSeed: number;
}

interface Addressed {
  sub: WebhookSubscriptionRecord;
  eventId: string;
  event: WorkspaceEvent;
  accessibleBy?: EventAuthor[];
}

/** Who of a subscription's integration can see the event (public: per installation). */
function audience(ws: Workspace, sub: WebhookSubscriptionRecord, event: WorkspaceEvent) {
  const integration = ws.state.integrations[sub.integrationId];
  if (!integration) return undefined;
  if (!integration.oauth)
    return ws.isVisible(event.visibilityId, integration.id) ? { public: false } : undefined;
  const seeing = Object.values(ws.state.integrations).filter(
    (i) => i.installationOf === integration.id && ws.isVisible(event.visibilityId, i.id),
  );
  if (seeing.length === 0) return undefined;
  const owners = [...new Set(seeing.map((i) => i.ownerUserId ?? i.id))];
  return { public: true, accessibleBy: owners.map((id) => ({ id, type: 'person' as const })) };
}

function envelope(ws: Workspace, item: Addressed, attempt: number): JsonObject {
  const { sub, event } = item;
  return {
    id: item.eventId,
    timestamp: new Date(event.timestamp).toISOString(),
    workspace_id: ws.state.workspaceId,
    workspace_name: ws.state.workspaceName,
    subscription_id: sub.id,
    integration_id: sub.integrationId,
    type: event.type,
    authors: event.authors.map((a) => ({ ...a })),
    ...(item.accessibleBy ? { accessible_by: item.accessibleBy.map((a) => ({ ...a })) } : {}),
    attempt_number: attempt,
    api_version: sub.apiVersion,
    entity: { ...event.entity },
    data: event.data,
  };
}

export function createDispatcher(options: DispatcherOptions) {
  const { ws, scheduler } = options;
  const random = createRandom(options.faultSeed);
  const log: DeliveryLogEntry[] = [];
  const pending = new Map<string, Addressed>();
  const held = new Map<string, Addressed[]>();
  const inflight = new Set<Promise<unknown>>();
  let generation = 0;

  const record = (entry: Omit<DeliveryLogEntry, 'time'>) => {
    log.push({ ...entry, time: new Date(ws.now()).toISOString() });
    if (log.length > MAX_DELIVERY_LOG_ENTRIES) log.splice(0, log.length - MAX_DELIVERY_LOG_ENTRIES);
  };
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inflight.add(promise);
    void promise.finally(() => inflight.delete(promise));
    return promise;
  };
  const live = (sub: WebhookSubscriptionRecord) =>
    ws.state.webhookSubscriptions?.[sub.id] === sub && sub.verified;

  const outcomeOf = (result: PostResult, attempt: number): DeliveryLogEntry['outcome'] =>
    result.ok ? 'delivered' : attempt >= MAX_DELIVERY_ATTEMPTS ? 'gave_up' : 'retrying';

  async function attemptNow(item: Addressed, attempt: number, gen: number): Promise<void> {
    if (gen !== generation || !live(item.sub)) return;
    const body = JSON.stringify(envelope(ws, item, attempt));
    const signature = signBody(body, item.sub.verificationToken);
    const result = await postJson(
      options.fetch,
      item.sub.url,
      body,
      { 'x-notion-signature': signature },
      options.timeoutMs,
    );
    const outcome = outcomeOf(result, attempt);
    record({
      eventId: item.eventId,
      subscriptionId: item.sub.id,
      type: item.event.type,
      attempt,
      status: result.status,
      outcome,
      latencyMs: result.latencyMs,
      ...(result.error ? { error: result.error } : {}),
    });
    if (outcome === 'retrying')
      scheduler.after(RETRY_DELAYS_MS[attempt - 1] ?? 0, () => send(item, attempt + 1, gen));
  }

  function send(item: Addressed, attempt: number, gen: number): void {
    const delayMs = item.sub.faults.delayMs ?? 0;
    if (delayMs > 0 && attempt === 1)
      scheduler.after(delayMs, () => void track(attemptNow(item, attempt, gen)));
    else void track(attemptNow(item, attempt, gen));
  }

  function release(item: Addressed): void {
    const { faults } = item.sub;
    if (faults.drop !== undefined && random() < faults.drop) {
      record({
        eventId: item.eventId,
        subscriptionId: item.sub.id,
        type: item.event.type,
        attempt: 0,
        status: 0,
        outcome: 'dropped',
        latencyMs: 0,
      });
      return;
    }
    send(item, 1, generation);
    if (faults.duplicate !== undefined && random() < faults.duplicate) send(item, 1, generation);
  }

  /** Reorder fault: hold until a batch is full, then send it newest first. */
  function ready(item: Addressed): void {
    const batch = item.sub.faults.reorder;
    if (batch === undefined) {
      release(item);
      return;
    }
    const list = [...(held.get(item.sub.id) ?? []), item];
    if (list.length < batch) {
      held.set(item.sub.id, list);
      return;
    }
    held.delete(item.sub.id);
    for (const each of list.reverse()) release(each);
  }

  function enqueue(sub: WebhookSubscriptionRecord, event: WorkspaceEvent): void {
    const who = audience(ws, sub, event);
    if (!who) return;
    const item: Addressed = {
      sub,
      eventId: randomUUID(),
      event: structuredClone(event),
      ...(who.public ? { accessibleBy: who.accessibleBy } : {}),
    };
    if (!isAggregated(event.type) || options.aggregateMs <= 0) {
      ready(item);
      return;
    }
    const key = `${sub.id}|${event.type}|${event.entity.id}`;
    const open = pending.get(key);
    if (open) {
      mergeEvents(open.event, event);
      return;
    }
    pending.set(key, item);
    const gen = generation;
    scheduler.after(options.aggregateMs, () => {
      if (gen !== generation || pending.get(key) !== item) return;
      pending.delete(key);
      ready(item);
    });
  }

  return {
    log,
    record,
    track,
    /** True while a verified subscription exists (only then are writes diffed). */
    listening: () => Object.values(ws.state.webhookSubscriptions ?? {}).some((s) => s.verified),
    publish(events: readonly WorkspaceEvent[]): void {
      for (const sub of Object.values(ws.state.webhookSubscriptions ?? {})) {
        if (!sub.verified) continue;
        for (const event of events)
          if (sub.eventTypes === null || sub.eventTypes.includes(event.type)) enqueue(sub, event);
      }
    },
    /** Sends what waits for its aggregation window or a reorder batch now. */
    flush(): void {
      const open = [...pending.values()];
      pending.clear();
      for (const item of open) ready(item);
      const batches = [...held.values()];
      held.clear();
      for (const batch of batches) for (const item of batch.reverse()) release(item);
    },
    /** Resolves once no delivery is on the wire (scheduled retries do not count). */
    async idle(): Promise<void> {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    /** Forgets everything pending and scheduled (reset, restore). */
    clear(): void {
      generation += 1;
      pending.clear();
      held.clear();
      log.length = 0;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
