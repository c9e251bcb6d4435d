import type { Command } from 'commander';
import { exitCodeFor, NotionSyncError } from '../../errors.ts';
import type { PullResult, SourcePullResult } from '../../sync/index.ts';
import type { CliContext } from '../context.ts';
import { formatDuration, renderTable } from '../format.ts';
import { ExitStatus } from '../main.ts';
import { offerInit, sourcesNeedingInit } from '../offer-init.ts';
import { withEngine } from '../open-engine.ts';
import { createProgressRenderer } from '../progress-renderer.ts';
import { targetFailure, targetLines } from './target-report.ts';

const totalCalls = (r: SourcePullResult) => Object.values(r.apiCalls).reduce((a, b) => a + b, 0);

/** The `--json` document: per source, the counts and the API calls by endpoint. */
export function pullResultJson(result: PullResult) {
  return {
    ok: result.ok,
    sources: result.sources.map((r) => ({
      source: r.source,
      status: r.status,
      mode: r.mode,
      runId: r.runId,
      counts: r.counts,
      created: r.counts.created,
      updated: r.counts.updated,
      unchanged: r.counts.unchanged,
      deleted: r.counts.deleted,
      restored: r.counts.restored,
      apiCalls: r.apiCalls,
      apiCallsTotal: totalCalls(r),
      rateLimitWaits: r.rateLimitWaits,
      gaps: r.gaps,
      reconciled: r.reconciled,
      schemaChanges: r.schemaChanges.map((c) => ({
        change: c.change,
        before: c.before,
        after: c.after,
      })),
      errors: r.errors,
      durationMs: r.durationMs,
    })),
    ...(result.targets ? { targets: result.targets } : {}),
  };
}

function summary(result: PullResult): string {
  const header = [
    'source',
    'status',
    'mode',
    'fetched',
    'created',
    'updated',
    'unchanged',
    'deleted',
    'restored',
    'calls',
    'time',
  ];
  const rows = result.sources.map((r) => [
    r.source,
    r.status,
    r.mode,
    r.counts.fetched,
    r.counts.created,
    r.counts.updated,
    r.counts.unchanged,
    r.counts.deleted,
    r.counts.restored,
    totalCalls(r),
    formatDuration(r.durationMs),
  ]);
  return renderTable(header, rows);
}

/** Fails the command when a source failed; the error names every failed source. */
function failureOf(result: PullResult): NotionSyncError | null {
  const failed = result.sources.filter((r) => r.status !== 'ok');
  if (failed.length === 0) return null;
  const lines = failed.map(
    (r) => `${r.source}: ${r.errors.map((e) => e.message).join('; ') || r.status}`,
  );
  const first = failed[0]!.errors[0]?.code;
  const code = (first && first !== 'internal' ? first : 'internal') as NotionSyncError['code'];
  return new NotionSyncError(
    code,
    failed.length === 1
      ? (lines[0] ?? '')
      : `${failed.length} sources failed:\n  ${lines.join('\n  ')}`,
    {
      details: {
        sources: failed.map((r) => ({ source: r.source, status: r.status, errors: r.errors })),
      },
    },
  );
}

export function registerPullCommand(program: Command, context: () => CliContext): void {
  program
    .command('pull')
    .description('copy Notion changes into the local store (all pull sources, or the ones named)')
    .argument('[source...]', 'names of sources from the config')
    .option('--full', 're-read every row and its content instead of only what changed')
    .action(async (names: string[], options: { full?: boolean }) => {
      const ctx = context();
      if (ctx.config().sources.length === 0) {
        throw new NotionSyncError(
          'config_invalid',
          'No sources to pull: add one under `sources:` in notion-sync.config.yaml (e.g. `- { name: tasks, database: <database URL> }`).',
        );
      }
      const renderer =
        ctx.json || ctx.quiet
          ? null
          : createProgressRenderer(ctx.io.stderr, { tty: Boolean(ctx.io.stderr.isTTY) });
      const result = await withEngine(ctx, async ({ engine }) => {
        const pulled = await engine.pull(names, {
          trigger: 'cli',
          signal: ctx.runSignal(),
          ...(options.full ? { full: true } : {}),
          ...(renderer ? { onProgress: (p) => renderer.update(p) } : {}),
        });
        renderer?.finish();
        await offerInit(ctx, engine, sourcesNeedingInit(ctx.config().sources, pulled.sources));
        return pulled;
      });
      if (ctx.json) ctx.printJson(pullResultJson(result));
      else if (!ctx.quiet) {
        ctx.out(summary(result));
        for (const line of targetLines(result.targets ?? [])) ctx.out(line);
      }
      const failure = failureOf(result) ?? targetFailure(result.targets ?? []);
      if (!failure) return;
      // --json: the result above is the one JSON document; the failure goes to stderr only.
      if (!ctx.json) throw failure;
      ctx.err(`error: ${failure.message}`);
      throw new ExitStatus(exitCodeFor(failure.code));
    });
}
