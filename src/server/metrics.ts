// Prometheus metrics of one `serve` process, in a registry of its own (two services in one
// process, as in tests, never share counters). Counters move where the work happens: the
// Notion client reports every request, the runner every job, the webhook receiver and
// processor every event; gauges that describe the store (outbox depth, open conflicts,
// pending events) are read from it at scrape time.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { NotionClient, RequestRecord } from '../notion/index.ts';
import type { JobOutcome } from '../runner/index.ts';
import type { Store } from '../store/index.ts';

export type WebhookRejection =
  | 'unsigned'
  | 'bad_signature'
  | 'unverified'
  | 'too_large'
  | 'not_json'
  | 'bad_envelope'
  | 'unknown_connection';

export interface ServerMetrics {
  readonly registry: Registry;
  observeRequest(record: RequestRecord): void;
  observeJob(outcome: JobOutcome, durationMs: number): void;
  webhookReceived(connection: string): void;
  webhookRejected(reason: WebhookRejection): void;
  webhookDeduped(): void;
  webhookHandshake(): void;
  /** An event done with (processed or parked), `lagMs` after Notion says it happened. */
  webhookFinished(outcome: 'processed' | 'ignored' | 'retried' | 'parked', lagMs?: number): void;
  /** Counts Notion requests of `notion` from now on. */
  watch(notion: NotionClient): void;
}

export function createServerMetrics(store: Store): ServerMetrics {
  const registry = new Registry();
  const r = { registers: [registry] };
  const requests = new Counter({
    name: 'notion_sync_notion_requests_total',
    help: 'Requests sent to Notion, by endpoint template and HTTP status (or timeout/network)',
    labelNames: ['endpoint', 'status'],
    ...r,
  });
  const rateLimited = new Counter({
    name: 'notion_sync_notion_rate_limited_total',
    help: 'Notion answers 429 or 529 (rate limited or overloaded)',
    ...r,
  });
  const rateLimitWait = new Counter({
    name: 'notion_sync_notion_rate_limit_wait_seconds_total',
    help: 'Seconds Notion asked us to wait (Retry-After) on 429/529 answers',
    ...r,
  });
  const pacingWait = new Counter({
    name: 'notion_sync_notion_pacing_wait_seconds_total',
    help: "Seconds requests waited for the connection's pacing budget",
    ...r,
  });
  const runs = new Counter({
    name: 'notion_sync_runs_total',
    help: 'Jobs run, by kind (pull, push, sync, refresh) and outcome',
    labelNames: ['kind', 'status'],
    ...r,
  });
  const runSeconds = new Histogram({
    name: 'notion_sync_run_duration_seconds',
    help: 'Duration of jobs, by kind',
    labelNames: ['kind'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    ...r,
  });
  const rows = new Counter({
    name: 'notion_sync_rows_total',
    help: 'Rows changed in the store by runs, by change (created, updated, deleted)',
    labelNames: ['change'],
    ...r,
  });
  const received = new Counter({
    name: 'notion_sync_webhook_events_received_total',
    help: 'Webhook events accepted (signature valid, persisted)',
    labelNames: ['connection'],
    ...r,
  });
  const rejected = new Counter({
    name: 'notion_sync_webhook_requests_rejected_total',
    help: 'Webhook requests refused, by reason',
    labelNames: ['reason'],
    ...r,
  });
  const deduped = new Counter({
    name: 'notion_sync_webhook_events_deduped_total',
    help: 'Valid webhook deliveries of an event already received',
    ...r,
  });
  const handshakes = new Counter({
    name: 'notion_sync_webhook_handshakes_total',
    help: 'Webhook verification handshakes received',
    ...r,
  });
  const finished = new Counter({
    name: 'notion_sync_webhook_events_processed_total',
    help: 'Webhook events handled, by outcome (processed, ignored, retried, parked)',
    labelNames: ['outcome'],
    ...r,
  });
  const lag = new Histogram({
    name: 'notion_sync_webhook_event_lag_seconds',
    help: "From the event's timestamp to its refresh being stored",
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 300],
    ...r,
  });
  new Gauge({
    name: 'notion_sync_outbox_depth',
    help: 'Local edits waiting to be pushed (pending and in flight)',
    ...r,
    async collect() {
      const [pending, inFlight] = await Promise.all([
        store.outbox.list({ state: 'pending' }),
        store.outbox.list({ state: 'in_flight' }),
      ]);
      this.set(pending.length + inFlight.length);
    },
  });
  new Gauge({
    name: 'notion_sync_open_conflicts',
    help: 'Conflicts waiting for a resolution',
    ...r,
    async collect() {
      this.set((await store.conflicts.list({})).length);
    },
  });
  new Gauge({
    name: 'notion_sync_webhook_events_pending',
    help: 'Received webhook events not yet processed',
    ...r,
    async collect() {
      this.set((await store.webhookEvents.countByState()).pending);
    },
  });
  const watched = new WeakSet<NotionClient>();
  const metrics: ServerMetrics = {
    registry,
    observeRequest(record) {
      requests.inc({ endpoint: record.endpoint, status: String(record.status) });
      if (record.status === 429 || record.status === 529) {
        rateLimited.inc();
        rateLimitWait.inc((record.retryAfterMs ?? 0) / 1000);
      }
      pacingWait.inc(record.pacingWaitMs / 1000);
    },
    observeJob(outcome, durationMs) {
      runs.inc({ kind: outcome.job.kind, status: outcome.status });
      runSeconds.observe({ kind: outcome.job.kind }, durationMs / 1000);
      for (const change of ['created', 'updated', 'deleted'] as const)
        if (outcome.rows[change] > 0) rows.inc({ change }, outcome.rows[change]);
    },
    webhookReceived: (connection) => received.inc({ connection }),
    webhookRejected: (reason) => rejected.inc({ reason }),
    webhookDeduped: () => deduped.inc(),
    webhookHandshake: () => handshakes.inc(),
    webhookFinished(outcome, lagMs) {
      finished.inc({ outcome });
      if (lagMs !== undefined && outcome === 'processed') lag.observe(Math.max(0, lagMs) / 1000);
    },
    watch(notion) {
      if (watched.has(notion)) return;
      watched.add(notion);
      notion.onRequest((record) => metrics.observeRequest(record));
    },
  };
  return metrics;
}
