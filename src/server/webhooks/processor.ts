// Processes persisted webhook events. Invariants:
// - it works only from the store (what the receiver persisted), so a crash or restart loses
//   nothing: pending events are picked up again;
// - events of one entity are coalesced (Notion aggregates and reorders deliveries): the newest
//   by `timestamp` names the refresh, and all of them are settled by its outcome;
// - every refresh re-reads the entity through the runner (never trusting event contents), so a
//   duplicate, late or reordered event converges to Notion's current state;
// - a failed refresh is retried with backoff and, after `maxAttempts`, parked (`failed`) with
//   its error, visible in `status` and the API.
import type { Job, JobOutcome, Runner } from '../../runner/index.ts';
import { sleepOn } from '../../runner/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';
import { computeBackoffMs, type Store, type WebhookEvent } from '../../store/index.ts';
import type { ServerMetrics } from '../metrics.ts';
import { connectionForUrl, recipientsOf, type WebhookConnection } from './connections.ts';
import { type WebhookEnvelope, webhookEnvelopeSchema } from './envelope.ts';
import { planEvent } from './plan-event.ts';

export interface WebhookProcessorOptions {
  store: Store;
  runner: Runner;
  metrics: ServerMetrics;
  logger: Logger;
  clock: Clock;
  /** The connections and the sources each owns (configured and imported). */
  connections: () => Promise<readonly WebhookConnection[]>;
  /** Attempts before an event is parked (default 5). */
  maxAttempts?: number;
  /** How often waiting retries are looked for (default 15 s). */
  pollMs?: number;
  /** Events accepted within this window are processed as one batch (default 25 ms). */
  batchWindowMs?: number;
}

export interface WebhookProcessor {
  /** Processes every due event, then resolves (tests call it directly). */
  drain(): Promise<void>;
  /** Asks for a drain soon (after the receiver persisted an event). */
  kick(): void;
  start(): void;
  stop(): Promise<void>;
}

interface Group {
  events: WebhookEvent[];
  newest: WebhookEnvelope;
  connection: string;
}

function groupEvents(events: WebhookEvent[]): { groups: Group[]; invalid: WebhookEvent[] } {
  const byEntity = new Map<string, Group>();
  const invalid: WebhookEvent[] = [];
  for (const event of events) {
    const parsed = webhookEnvelopeSchema.safeParse(event.payload);
    if (!parsed.success) {
      invalid.push(event);
      continue;
    }
    const key = `${event.connection}:${parsed.data.entity.type}:${parsed.data.entity.id}`;
    const group = byEntity.get(key);
    if (!group)
      byEntity.set(key, { events: [event], newest: parsed.data, connection: event.connection });
    else {
      group.events.push(event);
      if (Date.parse(parsed.data.timestamp) >= Date.parse(group.newest.timestamp))
        group.newest = parsed.data;
    }
  }
  return { groups: [...byEntity.values()], invalid };
}

function failureOf(outcomes: JobOutcome[]): string | null {
  const bad = outcomes.find((o) => o.status !== 'ok' && o.status !== 'skipped');
  if (!bad) return null;
  return `${bad.job.kind} of ${bad.job.source} ${bad.status}: ${bad.errors[0]?.message ?? 'no detail'}`;
}

export function createWebhookProcessor(options: WebhookProcessorOptions): WebhookProcessor {
  const { store, runner, metrics, logger, clock } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const stopper = new AbortController();
  let draining: Promise<void> | null = null;
  let again = false;
  let started = false;
  let kicked = false;

  async function jobsFor(group: Group, connections: readonly WebhookConnection[]): Promise<Job[]> {
    let at: WebhookConnection;
    try {
      at = connectionForUrl(group.connection, connections);
    } catch {
      return [];
    }
    const sources = recipientsOf(group.newest, at, connections).flatMap((c) => c.sources);
    return planEvent(store, group.newest, sources);
  }

  /** Settles a group's events; successes are returned to be marked processed in one batch. */
  async function settle(group: Group, jobs: Job[], outcomes: JobOutcome[]): Promise<string[]> {
    const failure = failureOf(outcomes);
    if (failure === null) {
      for (const event of group.events) {
        const at = Date.parse((event.payload as { timestamp?: string }).timestamp ?? '');
        metrics.webhookFinished(
          jobs.length > 0 ? 'processed' : 'ignored',
          Number.isFinite(at) ? clock.now() - at : undefined,
        );
      }
      return group.events.map((e) => e.eventId);
    }
    for (const event of group.events) {
      if (event.attempts + 1 >= maxAttempts) {
        await store.webhookEvents.markProcessed(event.eventId, { error: failure });
        metrics.webhookFinished('parked');
        logger.error(
          { eventId: event.eventId, type: event.type, error: failure },
          'webhook event parked after its last attempt',
        );
      } else {
        const next = new Date(clock.now() + computeBackoffMs(event.attempts + 1)).toISOString();
        await store.webhookEvents.markRetry(event.eventId, failure, next);
        metrics.webhookFinished('retried');
      }
    }
    return [];
  }

  async function processGroup(
    group: Group,
    connections: readonly WebhookConnection[],
  ): Promise<string[]> {
    const jobs = await jobsFor(group, connections);
    if (jobs.length === 0)
      logger.debug(
        { eventId: group.newest.id, type: group.newest.type },
        'webhook event names nothing configured: recorded and ignored',
      );
    const outcomes = await Promise.all(jobs.map((job) => runner.enqueue(job)));
    return settle(group, jobs, outcomes);
  }

  async function drainOnce(): Promise<void> {
    // Each event at most once per drain: one that stays due (a store that did not take the
    // update) waits for the next drain instead of spinning here.
    const handled = new Set<string>();
    for (;;) {
      const due = (await store.webhookEvents.listDue(200)).filter((e) => !handled.has(e.eventId));
      if (due.length === 0 || stopper.signal.aborted) return;
      for (const event of due) handled.add(event.eventId);
      const { groups, invalid } = groupEvents(due);
      await store.webhookEvents.markProcessed(
        invalid.map((e) => e.eventId),
        { error: 'not a Notion event' },
      );
      // One read of the connections (and their sources) for the whole batch.
      const connections = groups.length > 0 ? await options.connections() : [];
      const done = await Promise.all(groups.map((group) => processGroup(group, connections)));
      await store.webhookEvents.markProcessed(done.flat());
    }
  }

  function drain(): Promise<void> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      do {
        again = false;
        await drainOnce().catch((error) =>
          logger.error({ err: error }, 'webhook processing failed'),
        );
      } while (again && !stopper.signal.aborted);
    })().finally(() => {
      draining = null;
    });
    return draining;
  }

  return {
    drain,
    // Before start() (tests, a service not yet running) processing happens only on drain().
    // Kicks within `batchWindowMs` share one drain, so a burst of deliveries is one batch.
    kick: () => {
      if (!started || kicked) return;
      kicked = true;
      void sleepOn(clock, options.batchWindowMs ?? 25, stopper.signal).then(() => {
        kicked = false;
        return drain();
      });
    },
    start() {
      started = true;
      void (async () => {
        await drain();
        while (await sleepOn(clock, options.pollMs ?? 15_000, stopper.signal)) await drain();
      })();
    },
    async stop() {
      stopper.abort();
      await draining;
    },
  };
}
