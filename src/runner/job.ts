// The one job definition (DESIGN.md §5): everything `serve` does to Notion is a job — a pull,
// push or sync of a source, or a refresh of the pages a webhook event names — run by a runner
// (local here; a distributed pg-boss runner implements the same interface later). A job is plain
// data so it can be queued or sent elsewhere; executing it is one call into the engine.
import type { SourceConfig } from '../config/index.ts';
import type { RunError } from '../store/index.ts';
import type { Engine } from '../sync/index.ts';

export type SourceJobKind = 'pull' | 'push' | 'sync';

export interface SourceJob {
  kind: SourceJobKind;
  source: string;
  /** `schedule`, `api`, `mcp`, `webhook:<event id>`, … — recorded on the run and its versions. */
  trigger: string;
  full?: boolean;
  /** A scheduled job's slot (epoch ms): what a scheduler taking over plans after. */
  scheduledFor?: number;
}

export interface RefreshJob {
  kind: 'refresh';
  source: string;
  pageIds: string[];
  trigger: string;
}

/** The lane janitor jobs queue in (no source has this name: source names are SQL identifiers). */
export const JANITOR_LANE = '(janitor)';

/** A janitor pass (retention, pruning, reports); scheduled runs never trash duplicate pages. */
export interface JanitorJob {
  kind: 'janitor';
  source: typeof JANITOR_LANE;
  trigger: string;
  /** A scheduled job's slot (epoch ms). */
  scheduledFor?: number;
}

export type Job = SourceJob | RefreshJob | JanitorJob;

export type JobStatus = 'ok' | 'failed' | 'skipped' | 'busy' | 'interrupted';

export interface JobOutcome {
  job: Job;
  status: JobStatus;
  runId: number | null;
  errors: RunError[];
  /** Rows created, updated and deleted by the job's runs. */
  rows: { created: number; updated: number; deleted: number };
}

export interface JobContext {
  /** Aborted when the runner stops: the engine stops at its next batch boundary. */
  signal?: AbortSignal;
  onRun?: (runId: number) => void;
}

/** The job a source's direction asks for: pull, push or sync (`both`). */
export function jobKindFor(config: Pick<SourceConfig, 'direction'>): SourceJobKind {
  const direction = config.direction ?? 'pull';
  return direction === 'both' ? 'sync' : direction;
}

function statusOf(errors: RunError[], ok: boolean, signal?: AbortSignal): JobStatus {
  if (ok) return 'ok';
  if (errors.some((e) => e.code === 'source_busy')) return 'busy';
  if (signal?.aborted || errors.some((e) => e.code === 'run_interrupted')) return 'interrupted';
  return 'failed';
}

const noRows = () => ({ created: 0, updated: 0, deleted: 0 });

/** Runs one job through the engine; never throws for a failure of the job itself. */
export async function executeJob(
  engine: Engine,
  job: Job,
  context: JobContext = {},
): Promise<JobOutcome> {
  // `signal` travels in the options object: engines that know it stop at a batch boundary.
  const common = {
    trigger: job.trigger,
    ...(context.onRun ? { onRun: context.onRun } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
  };
  try {
    if (job.kind === 'janitor') {
      const report = await engine.janitor({ trigger: job.trigger });
      const at = new Date().toISOString();
      const errors = report.errors.map((e) => ({
        code: 'janitor_error',
        message: `${e.source}: ${e.message}`,
        at,
      }));
      return {
        job,
        status: errors.length === 0 ? 'ok' : 'failed',
        runId: report.runId,
        errors,
        rows: noRows(),
      };
    }
    if (job.kind === 'refresh') {
      const r = await engine.refresh(job.source, job.pageIds, common);
      const status = r.status === 'skipped' ? 'skipped' : statusOf(r.errors, r.status === 'ok');
      return {
        job,
        status,
        runId: r.runId,
        errors: r.errors,
        rows: { ...noRows(), ...pick(r.counts) },
      };
    }
    if (job.kind === 'pull') {
      const result = await engine.pull([job.source], { ...common, full: job.full === true });
      const r = result.sources[0]!;
      return {
        job,
        status: statusOf(r.errors, r.status === 'ok', context.signal),
        runId: r.runId,
        errors: r.errors,
        rows: pick(r.counts),
      };
    }
    if (job.kind === 'push') {
      const result = await engine.push([job.source], common);
      const r = result.sources[0]!;
      return {
        job,
        status: statusOf(r.errors, r.status === 'ok', context.signal),
        runId: r.runId,
        errors: r.errors,
        rows: pick(r.counts),
      };
    }
    const result = await engine.sync([job.source], common);
    const pulled = result.pull.sources[0];
    const pushed = result.push.sources[0];
    const errors = [...(pulled?.errors ?? []), ...(pushed?.errors ?? [])];
    const rows = pick(pulled?.counts ?? {});
    return {
      job,
      status: statusOf(errors, result.ok, context.signal),
      runId: pulled?.runId ?? null,
      errors,
      rows,
    };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'internal';
    const message = error instanceof Error ? error.message : String(error);
    return {
      job,
      status: code === 'run_interrupted' ? 'interrupted' : 'failed',
      runId: null,
      errors: [{ code, message, at: new Date().toISOString() }],
      rows: noRows(),
    };
  }
}

function pick(counts: { created?: number; updated?: number; deleted?: number }) {
  return {
    created: counts.created ?? 0,
    updated: counts.updated ?? 0,
    deleted: counts.deleted ?? 0,
  };
}
