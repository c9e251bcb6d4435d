// The RunJob `serve` gives its MCP server: runs go through the runner like every other trigger
// (scheduler, webhooks, REST API), so a source's queue, lease and — with a distributed runner —
// priorities apply. `sync` of one source waits behind jobs of that source already submitted.
import type { SourceConfig } from '../config/index.ts';
import { NotionSyncError } from '../errors.ts';
import type { JobOutcome, Runner } from '../runner/index.ts';
import type { RunJob } from './mcp-options.ts';

function summaryOf(outcome: JobOutcome) {
  return {
    source: outcome.job.source,
    kind: outcome.job.kind,
    status: outcome.status,
    runId: outcome.runId,
    rows: outcome.rows,
    errors: outcome.errors.map((e) => ({ code: e.code, message: e.message })),
  };
}

/** A RunJob that submits one job per source to `runner` (all sources when none is named). */
export function createRunnerRunJob(runner: Runner, sources: () => readonly SourceConfig[]): RunJob {
  return async (kind, source, options) => {
    const names = source === undefined ? sources().map((s) => s.name) : [source];
    const outcomes: JobOutcome[] = [];
    for (const [index, name] of names.entries()) {
      options.onProgress?.({
        message: `${name}: ${kind} queued`,
        progress: index,
        total: names.length,
      });
      outcomes.push(await runner.enqueue({ kind, source: name, trigger: options.trigger }));
    }
    const busy = outcomes.find((o) => o.status === 'busy');
    if (busy && names.length === 1) {
      throw new NotionSyncError(
        'source_busy',
        `${busy.job.source} is being synced by another process; try again when its run ends.`,
      );
    }
    return {
      ok: outcomes.every((o) => o.status === 'ok' || o.status === 'skipped'),
      sources: outcomes.map(summaryOf),
    };
  };
}
