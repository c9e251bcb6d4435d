import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { renderTable } from '../format.ts';
import { withEngine } from '../open-engine.ts';

export function registerRunsCommand(program: Command, context: () => CliContext): void {
  program
    .command('runs')
    .description('the audit trail: recent runs with trigger, status, counts and API calls')
    .option('--source <name>', 'only runs of this source')
    .addOption(
      new Option('--limit <n>', 'how many runs (newest first)').default(20).argParser(parseLimit),
    )
    .action(async (options: { source?: string; limit: number }) => {
      const ctx = context();
      const limit = options.limit;
      const { runs, names } = await withEngine(ctx, async ({ engine, store }) => ({
        runs: await engine.runs({
          ...(options.source ? { source: options.source } : {}),
          limit,
        }),
        names: new Map((await store.sources.list()).map((s) => [s.id, s.name])),
      }));
      if (ctx.json) {
        ctx.printJson({
          runs: runs.map((r) => ({
            ...r,
            source: r.sourceId === null ? null : (names.get(r.sourceId) ?? null),
          })),
        });
        return;
      }
      if (runs.length === 0) {
        ctx.out('No runs yet: run `notion-sync pull`.');
        return;
      }
      const rows = runs.map((r) => [
        r.id,
        r.sourceId === null ? '—' : (names.get(r.sourceId) ?? String(r.sourceId)),
        r.kind,
        r.trigger,
        r.status,
        r.startedAt,
        r.finishedAt ?? '',
        ['created', 'updated', 'deleted', 'restored']
          .map((k) => `${k[0]}${r.counts[k] ?? 0}`)
          .join(' '),
        Object.values(r.apiCalls).reduce((a, b) => a + b, 0),
        r.rateLimitWaits,
        r.errors[0]?.message.slice(0, 60) ?? '',
      ]);
      ctx.out(
        renderTable(
          [
            'run',
            'source',
            'kind',
            'trigger',
            'status',
            'started',
            'finished',
            'counts',
            'calls',
            '429s',
            'error',
          ],
          rows,
        ),
      );
    });
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError('give a whole number of runs ≥ 1, e.g. --limit 50.');
  }
  return limit;
}
