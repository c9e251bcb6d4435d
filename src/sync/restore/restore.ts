// `engine.restore`: a source back to a point in time, or a page back to one of its versions.
// Invariants: Notion is pulled first (trigger `restore`), so the plan compares the chosen time
// with Notion as it is now; the writes go through the outbox and one push run with trigger
// `restore` — the usual merge (a value edited in Notion after the pull is a conflict, never
// silently overwritten), pacing and sync-key guarantees — and every version that run writes
// names it; a dry run writes nothing to Notion. Page content is not restored yet.
import type { SourceConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import { hashValue, parseNotionId } from '../../shared/index.ts';
import type { SourcePullResult } from '../engine-types.ts';
import type { SourcePushResult } from '../push/push-types.ts';
import { currentFields } from '../records-api.ts';
import type { JsonValue, Source, Store, StoreRecord } from '../store-api.ts';
import { findConfiguredSource } from '../unknown-source.ts';
import { planPageRestore, planSourceRestore } from './restore-plan.ts';
import {
  type RestoreChange,
  type RestoreOptions,
  type RestorePlan,
  type RestoreResult,
  type RestoreTarget,
  writableChanges,
} from './restore-types.ts';

export interface RestoreEnvironment {
  store: Store;
  sources: SourceConfig[];
  pull(name: string): Promise<SourcePullResult>;
  push(config: SourceConfig, source: Source): Promise<SourcePushResult>;
}

async function targetSource(
  env: RestoreEnvironment,
  target: RestoreTarget,
): Promise<{ config: SourceConfig; pageId: string | null }> {
  if ('source' in target)
    return { config: findConfiguredSource(env.sources, target.source), pageId: null };
  const pageId = parseNotionId(target.page);
  if (!pageId) {
    throw new NotionSyncError(
      'usage',
      `"${target.page}" is not a Notion page id or URL — copy it from the page's Share menu (Copy link).`,
      { details: { input: target.page } },
    );
  }
  const [record] = await env.store.records.findByKey(pageId);
  const source = record ? await env.store.sources.get(record.sourceId) : null;
  const config = source ? env.sources.find((s) => s.name === source.name) : undefined;
  if (!config) {
    throw new NotionSyncError(
      'store_not_found',
      `Page ${pageId} is not in the store of a configured source; pull the source it belongs to first.`,
      { details: { pageId } },
    );
  }
  return { config, pageId };
}

async function plan(
  env: RestoreEnvironment,
  target: RestoreTarget,
  source: Source,
  pageId: string | null,
): Promise<RestorePlan> {
  if ('asOf' in target) {
    const asOf = new Date(target.asOf);
    if (Number.isNaN(asOf.getTime())) {
      throw new NotionSyncError(
        'usage',
        `--as-of "${target.asOf}" is not a time — write it as ISO 8601, e.g. 2026-08-08T10:00:00Z.`,
        { details: { asOf: target.asOf } },
      );
    }
    return planSourceRestore(env.store, source, asOf.toISOString());
  }
  const record = (await env.store.records.findByPageId(source.id, pageId!)) as StoreRecord;
  return planPageRestore(env.store, source, record, target.toVersion);
}

/** Queues one change as a local edit (version + outbox item in one transaction). */
async function enqueue(store: Store, change: RestoreChange): Promise<number> {
  const record = (await store.records.get(change.recordId)) as StoreRecord;
  const set: Record<string, JsonValue> = Object.fromEntries(
    change.properties.map((p) => [p.propertyId, p.restored]),
  );
  const fields = { ...(await currentFields(store, record)), ...set };
  const edit = await store.local.appendVersion({
    recordId: record.id,
    op: change.action === 'trash' ? 'delete' : 'update',
    fields,
    hash: hashValue({ local: fields, restore: change.action }),
    payload: { set, ...(change.action === 'untrash' ? { restore: true } : {}) },
    provenance: { trigger: 'restore' },
  });
  return edit.outbox.id;
}

/**
 * Settles what the plan could not see exactly, in one push first: pages trashed since the time
 * are taken out of the trash (the store knew them only as they were when trashed), and local
 * edits still waiting are sent (until they are, their merge base is older than Notion now).
 * Returns the push result, or null when there was nothing to settle.
 */
async function settleFirst(
  env: RestoreEnvironment,
  config: SourceConfig,
  source: Source,
  changes: RestoreChange[],
): Promise<SourcePushResult | null> {
  const untrash = changes.filter((c) => c.action === 'untrash');
  if (untrash.length === 0 && !changes.some((c) => c.action === 'pending_edit')) return null;
  const queued = new Map<number, RestoreChange>();
  for (const change of untrash)
    queued.set(await enqueue(env.store, { ...change, properties: [] }), change);
  const pushed = await env.push(config, source);
  for (const [outboxId, change] of queued)
    if ((await env.store.outbox.get(outboxId))?.state === 'done')
      await env.store.records.restore(change.recordId);
  return pushed;
}

/** Restores a source to a time or a page to a version (see the file comment). */
export async function runRestore(
  env: RestoreEnvironment,
  target: RestoreTarget,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const { config, pageId } = await targetSource(env, target);
  const pulled = await env.pull(config.name);
  if (pulled.status !== 'ok') {
    const first = pulled.errors[0];
    throw new NotionSyncError(
      (first?.code as NotionSyncError['code'] | undefined) ?? 'internal',
      `Restore reads Notion first, and the pull of "${config.name}" failed: ${first?.message ?? pulled.status}. Nothing was changed.`,
      { details: { source: config.name, errors: pulled.errors } },
    );
  }
  const source = (await env.store.sources.getByName(config.name)) as Source;
  const restorePlan = await plan(env, target, source, pageId);
  const changes = restorePlan.changes.filter((c) => c.action !== 'impossible');
  if (options.dryRun || changes.length === 0)
    return { plan: restorePlan, applied: false, runId: null, push: null };
  let pushed = await settleFirst(env, config, source, changes);
  // Untrashed pages and pushed edits now show Notion's real values: plan them again.
  const rest = pushed
    ? writableChanges(await plan(env, target, source, pageId)).filter((c) => c.action !== 'untrash')
    : changes;
  for (const change of rest) await enqueue(env.store, change);
  if (rest.length > 0 || !pushed) pushed = await env.push(config, source);
  return { plan: restorePlan, applied: true, runId: pushed.runId, push: pushed };
}
