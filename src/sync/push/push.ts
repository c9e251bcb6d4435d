// One push of one source (DESIGN.md §5). Invariants, in order:
// - the run is the source's lease (shared with pull: never two runs of one source at once);
// - items left in flight by a crash are requeued and treated as possibly applied (their sync key
//   is looked up before any create); `retryDead` items were requeued by the engine's outbox API;
// - items are pushed oldest first, each on its own (push-item.ts); a failed item waits for its
//   backoff and never blocks the others; the run waits for retries due within `retryWaitMs`;
// - `dryRun` touches neither Notion nor the store; `preview` reads Notion but writes nothing.
import type { SourceConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import { isInterrupted, sleepUnlessAborted, throwIfInterrupted } from '../interrupt.ts';
import { payloadOf } from '../records-api.ts';
import { resolveSource } from '../resolve-source.ts';
import { createRunMeter, type RunLease, startRun, withRunMeter } from '../runs.ts';
import { buildSourceSchema, PAGE_TREE_SCHEMA } from '../source-schema.ts';
import type { OutboxItem, Source } from '../store-api.ts';
import { BODY_PROPERTY_NAME } from './content/body-push.ts';
import { emptyPushCounts, type PushContext, type PushEnvironment } from './push-context.ts';
import { checkFreshness, emptyFreshness } from './push-freshness.ts';
import { pushItem } from './push-item.ts';
import {
  DEFAULT_SYNC_KEY_PROPERTY,
  type PlannedWrite,
  type PushOptions,
  type PushWaiting,
  type SourcePushResult,
} from './push-types.ts';
import { ensureSyncKeyProperty } from './sync-key.ts';

/** Stores the source's schema snapshot from Notion (first use, or after adding the key). */
export async function refreshSource(
  env: Pick<PushEnvironment, 'store' | 'notion' | 'logger'>,
  config: SourceConfig,
  runId: number | null = null,
): Promise<Source> {
  const resolved = await resolveSource(env.notion, config);
  if (resolved.kind !== 'data_source') {
    // A page tree pushed from its folder target: pages have a title and nothing else.
    const upserted = await env.store.sources.upsert({
      name: config.name,
      kind: 'page',
      notionId: resolved.notionId,
      databaseId: null,
      direction: config.direction ?? 'pull',
      schema: PAGE_TREE_SCHEMA,
      runId,
    });
    return upserted.source;
  }
  const { schema } = buildSourceSchema(resolved.properties, config.properties);
  const upserted = await env.store.sources.upsert({
    name: config.name,
    kind: 'data_source',
    notionId: resolved.notionId,
    databaseId: resolved.databaseId,
    direction: config.direction ?? 'pull',
    schema,
    runId,
  });
  return upserted.source;
}

function planOf(ctx: PushContext, item: OutboxItem, keyChecked: boolean): PlannedWrite {
  const names = ctx.source.schema.properties;
  const payload = payloadOf(item.payload);
  const values = Object.fromEntries(
    Object.entries(payload.set).map(([id, v]) => [names[id]?.name ?? id, v]),
  );
  if (payload.content !== undefined) values[BODY_PROPERTY_NAME] = payload.content;
  const lookup = item.attempts > 0 || item.lastError !== null || item.state === 'in_flight' ? 1 : 0;
  // An update or delete is one write; rows the freshness check finds changed in Notion are
  // read first (not known before the run). A body is read (page and Markdown), then edited.
  const body = payload.content !== undefined ? (item.op === 'create' ? 1 : 2) : 0;
  const calls = (item.op === 'create' ? 1 + lookup + (keyChecked ? 0 : 2) : 1) + body;
  return {
    outboxId: item.id,
    op: item.op,
    recordId: item.recordId,
    pageId: null,
    values,
    apiCalls: calls,
  };
}

async function planRun(ctx: PushContext): Promise<void> {
  const { store } = ctx.env;
  const items = [
    ...(await store.outbox.list({ sourceId: ctx.source.id, state: 'pending' })),
    ...(await store.outbox.list({ sourceId: ctx.source.id, state: 'in_flight' })),
    ...(ctx.options.retryDead
      ? await store.outbox.list({ sourceId: ctx.source.id, state: 'dead' })
      : []),
  ].sort((a, b) => a.id - b.id);
  let keyChecked = false;
  for (const item of items) {
    const plan = planOf(ctx, item, keyChecked);
    if (item.op === 'create') keyChecked = true;
    const record = await store.records.get(item.recordId);
    plan.pageId = record?.pageId ?? null;
    ctx.planned.push(plan);
  }
}

async function prepareKey(ctx: PushContext, due: OutboxItem[]): Promise<void> {
  if (ctx.keyReady || ctx.options.preview || !due.some((i) => i.op === 'create')) return;
  // A page tree's creates are found again by their parent's children (tree-create-lookup.ts).
  if (ctx.source.kind === 'page') return;
  const created = await ensureSyncKeyProperty(ctx.env.notion, ctx.source.notionId, ctx.keyProperty);
  ctx.keyReady = true;
  if (!created) return;
  ctx.options.onNotice?.(
    `Created the text property "${ctx.keyProperty}" on source "${ctx.config.name}": it holds the sync key of pages notion-sync creates, so a retried create never duplicates a page. Keep it (you may hide it in your views).`,
  );
  ctx.source = await refreshSource(ctx.env, ctx.config, ctx.runId);
}

async function drain(ctx: PushContext, lease: RunLease | null): Promise<void> {
  const { store, clock } = ctx.env;
  const skipped = new Set<number>();
  const what = `The push of "${ctx.config.name}"`;
  for (;;) {
    const due = (await store.outbox.listDue({ sourceId: ctx.source.id, limit: 200 })).filter(
      (i) => !skipped.has(i.id),
    );
    if (due.length === 0) {
      const waiting = (await store.outbox.list({ sourceId: ctx.source.id, state: 'pending' }))
        .filter((i) => !skipped.has(i.id))
        .map((i) => Date.parse(i.nextAttemptAt) - clock.now());
      const next = waiting.length > 0 ? Math.min(...waiting) : Number.POSITIVE_INFINITY;
      if (next > ctx.env.retryWaitMs || ctx.options.preview) return;
      await sleepUnlessAborted(clock, Math.max(0, next), ctx.options.signal);
      throwIfInterrupted(ctx.options.signal, what);
      continue;
    }
    await prepareKey(ctx, due);
    // Page trees have no query to learn edits by: every item reads its page.
    if (!ctx.options.preview && ctx.source.kind !== 'page') await checkFreshness(ctx, due);
    for (const item of due) {
      throwIfInterrupted(ctx.options.signal, what);
      if (!(await pushItem(ctx, item))) skipped.add(item.id);
      else if (ctx.options.preview) skipped.add(item.id);
    }
    await lease?.heartbeat(ctx.meter);
  }
}

function contextFor(
  env: PushEnvironment,
  config: SourceConfig,
  source: Source,
  options: PushOptions,
): PushContext {
  return {
    env,
    config,
    source,
    policy: options.force ? 'local-wins' : (config.conflictPolicy ?? 'manual'),
    keyProperty: config.syncKeyProperty ?? DEFAULT_SYNC_KEY_PROPERTY,
    options,
    runId: null,
    trigger: options.trigger ?? 'api',
    meter: createRunMeter(),
    counts: emptyPushCounts(),
    parked: [],
    overwritten: [],
    planned: [],
    suspect: new Set(),
    keyReady: false,
    freshness: emptyFreshness(),
    fatal: false,
    interrupted: false,
  };
}

async function runPush(ctx: PushContext): Promise<RunLease | null> {
  const { store } = ctx.env;
  const readOnly = ctx.options.preview === true;
  let lease: RunLease | null = null;
  try {
    if (!readOnly) {
      lease = await startRun(store, {
        kind: 'push',
        sourceId: ctx.source.id,
        sourceName: ctx.config.name,
        trigger: ctx.trigger,
        staleAfterMs: ctx.env.staleRunAfterMs,
        heartbeatMs: ctx.env.heartbeatMs,
      });
      ctx.runId = lease.run.id;
      ctx.options.onRun?.(lease.run.id);
      const inFlight = await store.outbox.list({ sourceId: ctx.source.id, state: 'in_flight' });
      for (const item of inFlight) ctx.suspect.add(item.id);
      await store.outbox.requeueInFlight({ sourceId: ctx.source.id });
    }
    await drain(ctx, lease);
  } catch (error) {
    if (isInterrupted(error)) ctx.interrupted = true;
    else ctx.fatal = true;
    ctx.meter.errors.push({
      code: error instanceof NotionSyncError ? error.code : 'internal',
      message: error instanceof Error ? error.message : String(error),
      at: new Date(ctx.env.clock.now()).toISOString(),
    });
  }
  return lease;
}

/** Pending items not yet due: what the next push (or `outbox requeue`) retries. */
async function waitingOf(env: PushEnvironment, sourceId: number): Promise<PushWaiting> {
  const pending = await env.store.outbox.list({ sourceId, state: 'pending' });
  const now = env.clock.now();
  const later = pending
    .filter((i) => Date.parse(i.nextAttemptAt) > now)
    .sort((a, b) => Date.parse(a.nextAttemptAt) - Date.parse(b.nextAttemptAt));
  return {
    items: later.length,
    nextAttemptAt: later[0]?.nextAttemptAt ?? null,
    lastError: later[0]?.lastError ?? null,
  };
}

/** Pushes one source's outbox; never throws for the source's own failure (see the result). */
export async function pushSource(
  env: PushEnvironment,
  config: SourceConfig,
  source: Source,
  options: PushOptions,
): Promise<SourcePushResult> {
  const ctx = contextFor(env, config, source, options);
  const startedMs = env.clock.now();
  let lease: RunLease | null = null;
  if (options.dryRun) await planRun(ctx);
  else lease = await withRunMeter(ctx.meter, () => runPush(ctx));
  const status = ctx.interrupted ? 'interrupted' : ctx.fatal ? 'failed' : 'ok';
  if (lease) {
    ctx.meter.extraCounts = { ...ctx.counts };
    await lease.finish(
      status === 'ok' ? (ctx.counts.failed > 0 ? 'partial' : 'ok') : status,
      ctx.meter,
    );
  }
  const calls = ctx.planned.reduce((sum, p) => sum + p.apiCalls, 0);
  const waiting = options.dryRun ? null : await waitingOf(env, source.id);
  return {
    source: config.name,
    status,
    runId: ctx.runId,
    counts: ctx.counts,
    conflicts: ctx.parked,
    overwritten: ctx.overwritten,
    planned: ctx.planned,
    waiting,
    estimate: options.dryRun
      ? { apiCalls: calls, seconds: calls / (options.requestsPerSecond ?? 3) }
      : null,
    apiCalls: ctx.meter.apiCalls,
    rateLimitWaits: ctx.meter.rateLimitWaits,
    errors: ctx.meter.errors,
    durationMs: env.clock.now() - startedMs,
  };
}
