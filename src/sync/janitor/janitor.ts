// `engine.janitor` (`notion-sync janitor`, and on a schedule in `serve`): housekeeping of one
// store. Invariants: versions are pruned only through the store's retention path, in batches of
// short transactions (a pull waits at most one batch), never a record's newest, current or base
// version nor one an outbox item or conflict refers to; runs and webhook events are pruned past
// their retention; dead letters are reported through the outbox API (handled with `notion-sync
// outbox …`); duplicate pages are trashed only when asked (`trashDuplicates`); orphans are only
// reported; a dry run changes nothing and reports what would be done.

import type { SourceConfig } from '../../config/index.ts';
import type { NotionClient } from '../../notion/index.ts';
import type { Clock } from '../../shared/index.ts';
import { removeUnreferencedFiles } from '../files/files-api.ts';
import type { OutboxApi, OutboxEntry } from '../push/outbox-api.ts';
import { DEFAULT_SYNC_KEY_PROPERTY } from '../push/push-types.ts';
import { createRunMeter, withRunMeter } from '../runs.ts';
import type { Source, Store } from '../store-api.ts';
import { type DuplicateGroup, findDuplicatePages, trashDuplicatePages } from './duplicate-pages.ts';

export interface JanitorOptions {
  /** Report what would be done; change nothing. */
  dryRun?: boolean;
  /** Trash the extra pages of each duplicate group (after showing them). */
  trashDuplicates?: boolean;
  /** Skip the Notion scan for duplicate pages (no Notion calls at all). */
  skipDuplicates?: boolean;
  /** Rows deleted per transaction (default 500). */
  batchSize?: number;
  /** Recorded on the janitor's run: `cli`, `schedule`, `api` (default). */
  trigger?: string;
}

export interface JanitorSettings {
  keepRunsDays: number;
  keepWebhookEventsDays: number;
}

export interface JanitorReport {
  dryRun: boolean;
  /** The run that records this janitor pass (kind `janitor`). */
  runId: number;
  /** Versions pruned (or, in a dry run, prunable) per source with a `retention:`. */
  versions: {
    source: string;
    keepVersions: number | null;
    keepDays: number | null;
    pruned: number;
  }[];
  runs: number;
  webhookEvents: number;
  deadLetters: OutboxEntry[];
  duplicates: (DuplicateGroup & { trashed: boolean })[];
  /** Store sources no configured source names any more (their records stay; nothing is deleted). */
  orphans: { source: string; records: number }[];
  /** Stored files no version refers to any more (after version pruning): removed, or removable. */
  files: { removed: number; bytes: number };
  /** `VACUUM` / `ANALYZE` as run. */
  maintenance: string[];
  errors: { source: string; message: string }[];
}

export interface JanitorEnvironment {
  store: Store;
  /** The client of a source's connection. */
  notion: (source: SourceConfig) => Promise<NotionClient>;
  outbox: OutboxApi;
  clock: Clock;
  sources: SourceConfig[];
  settings: JanitorSettings;
}

const DAY_MS = 86_400_000;

async function pruneAll(batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await batch();
    total += n;
    if (n === 0) return total;
  }
}

async function retention(env: JanitorEnvironment, options: JanitorOptions) {
  const out: JanitorReport['versions'] = [];
  const limit = options.batchSize ?? 500;
  for (const config of env.sources) {
    if (!config.retention) continue;
    const source = await env.store.sources.getByName(config.name);
    if (!source) continue;
    const { keepVersions, keepDays } = config.retention;
    const input = {
      sourceId: source.id,
      keepLatest: keepVersions ?? 1,
      ...(keepDays !== undefined
        ? { olderThan: new Date(env.clock.now() - keepDays * DAY_MS).toISOString() }
        : {}),
    };
    const pruned = options.dryRun
      ? await env.store.countPrunableVersions(input)
      : await pruneAll(() => env.store.pruneVersions({ ...input, limit }));
    out.push({
      source: config.name,
      keepVersions: keepVersions ?? null,
      keepDays: keepDays ?? null,
      pruned,
    });
  }
  return out;
}

async function duplicates(env: JanitorEnvironment, options: JanitorOptions, report: JanitorReport) {
  for (const config of env.sources) {
    const source = await env.store.sources.getByName(config.name);
    if (source?.kind !== 'data_source' || source.accessState !== 'ok') continue;
    const key = config.syncKeyProperty ?? DEFAULT_SYNC_KEY_PROPERTY;
    try {
      const notion = await env.notion(config);
      const groups = await findDuplicatePages(notion, env.store, source, key);
      const trash = options.trashDuplicates === true && !options.dryRun;
      if (trash) await trashDuplicatePages(notion, env.store, source, groups);
      report.duplicates.push(...groups.map((g) => ({ ...g, trashed: trash })));
    } catch (error) {
      report.errors.push({
        source: config.name,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

async function orphans(env: JanitorEnvironment): Promise<JanitorReport['orphans']> {
  const configured = new Set(env.sources.map((s) => s.name));
  const out: JanitorReport['orphans'] = [];
  for (const source of (await env.store.sources.list()) as Source[]) {
    if (configured.has(source.name)) continue;
    const { live, tombstoned } = await env.store.records.count(source.id);
    out.push({ source: source.name, records: live + tombstoned });
  }
  return out;
}

/**
 * Runs the housekeeping once, recorded as a run of kind `janitor` (its Notion calls, what it
 * pruned and trashed), and reports what it did (or, with `dryRun`, would do).
 */
export async function runJanitor(
  env: JanitorEnvironment,
  options: JanitorOptions = {},
): Promise<JanitorReport> {
  const run = await env.store.runs.start({ kind: 'janitor', trigger: options.trigger ?? 'api' });
  const meter = createRunMeter();
  try {
    const report = await withRunMeter(meter, () => housekeep(env, options, run.id));
    await env.store.runs.finish(run.id, {
      status: report.errors.length > 0 ? 'partial' : 'ok',
      counts: {
        versionsPruned: report.versions.reduce((sum, v) => sum + v.pruned, 0),
        runsPruned: report.runs,
        webhookEventsPruned: report.webhookEvents,
        deadLetters: report.deadLetters.length,
        filesRemoved: report.files.removed,
        duplicatesTrashed: report.duplicates
          .filter((g) => g.trashed)
          .reduce((sum, g) => sum + g.extras.length, 0),
      },
      apiCalls: meter.apiCalls,
      rateLimitWaits: meter.rateLimitWaits,
      errors: report.errors.map((e) => ({
        code: 'janitor',
        message: `${e.source}: ${e.message}`,
        at: new Date(env.clock.now()).toISOString(),
      })),
    });
    return report;
  } catch (error) {
    await env.store.runs.finish(run.id, {
      status: 'failed',
      errors: [
        {
          code: 'internal',
          message: error instanceof Error ? error.message : String(error),
          at: new Date(env.clock.now()).toISOString(),
        },
      ],
    });
    throw error;
  }
}

async function housekeep(
  env: JanitorEnvironment,
  options: JanitorOptions,
  runId: number,
): Promise<JanitorReport> {
  const dryRun = options.dryRun === true;
  const now = env.clock.now();
  const limit = options.batchSize ?? 500;
  const runsCut = { olderThan: new Date(now - env.settings.keepRunsDays * DAY_MS).toISOString() };
  const eventsCut = {
    olderThan: new Date(now - env.settings.keepWebhookEventsDays * DAY_MS).toISOString(),
  };
  const m = env.store.maintenance;
  const report: JanitorReport = {
    dryRun,
    runId,
    versions: await retention(env, options),
    runs: dryRun
      ? await m.countPrunableRuns(runsCut)
      : await pruneAll(() => m.pruneRuns({ ...runsCut, limit })),
    webhookEvents: dryRun
      ? await m.countPrunableWebhookEvents(eventsCut)
      : await pruneAll(() => m.pruneWebhookEvents({ ...eventsCut, limit })),
    deadLetters: await env.outbox.list({ state: 'dead' }),
    duplicates: [],
    orphans: await orphans(env),
    files: { removed: 0, bytes: 0 },
    maintenance: [],
    errors: [],
  };
  if (!options.skipDuplicates) await duplicates(env, options, report);
  report.files = dryRun
    ? { removed: (await env.store.files.listUnreferenced()).length, bytes: 0 }
    : await removeUnreferencedFiles(env.store, { nowMs: now });
  if (!dryRun) {
    const deleted =
      report.versions.reduce((s, v) => s + v.pruned, 0) +
      report.runs +
      report.webhookEvents +
      report.files.removed;
    report.maintenance = await m.optimize({ vacuum: deleted > 0 });
  }
  return report;
}
