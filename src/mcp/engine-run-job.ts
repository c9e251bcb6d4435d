// A RunJob over the engine's own pull/push/sync, for `notion-sync mcp` until the runner's queue
// is wired in (then `serve` passes the runner's). Runs are recorded with trigger `mcp`.
import type { Engine, PullProgress } from '../sync/index.ts';
import type { RunJob, RunJobOptions } from './mcp-options.ts';

function reporter(options: RunJobOptions) {
  if (!options.onProgress) return undefined;
  let step = 0;
  return (p: PullProgress) => {
    step += 1;
    const rows = p.counts.fetched;
    options.onProgress?.({
      message: `${p.source}: ${p.phase}, ${rows} rows fetched, ${p.apiCalls} API calls`,
      progress: Math.max(step, rows),
      ...(p.knownRows > 0 ? { total: Math.max(p.knownRows, rows) } : {}),
    });
  };
}

export function createEngineRunJob(engine: Engine): RunJob {
  return async (kind, source, options) => {
    const names = source === undefined ? undefined : [source];
    const onProgress = reporter(options);
    const pullOptions = { trigger: options.trigger, ...(onProgress ? { onProgress } : {}) };
    const result =
      kind === 'pull'
        ? await engine.pull(names, pullOptions)
        : kind === 'push'
          ? await engine.push(names, { trigger: options.trigger })
          : await engine.sync(names, pullOptions);
    return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
  };
}
