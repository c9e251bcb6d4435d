// `status` under `runner: distributed`: the job queue's depth, the live workers with the jobs
// each runs now (from pg-boss's instance registry, which every worker heartbeats into), and the
// dead letter queue with each poison job's error.
import type { Config } from '../../config/index.ts';
import type { Logger } from '../../shared/index.ts';
import type { Run } from '../../store/index.ts';
import { openConfiguredQueue } from '../open-queue.ts';

export interface QueueStatus {
  schema: string;
  jobs: { ready: number; deferred: number; active: number; failed: number };
  workers: {
    host: string;
    pid: number;
    /** What it runs now: the running runs whose lease names this process. */
    running: { source: string; kind: string; runId: number; since: string }[];
    heartbeatAt: string;
  }[];
  dead: {
    jobId: string;
    kind: string;
    source: string;
    trigger: string;
    at: string;
    error: string;
  }[];
}

const DEAD_SHOWN = 10;

/** Jobs of both queues by state, counted now (pg-boss's own queue counts are cached stats). */
const COUNT_BY_STATE = (schema: string) =>
  `select state, count(*)::int as n from ${schema}.job where name = any($1) group by state`;

/**
 * `lastRuns`: each source's last run (a running one is a job in progress, its lease names the
 * worker process that runs it).
 */
export async function queueStatus(
  config: Config,
  logger: Logger,
  lastRuns: { source: string; run: Run | null }[],
): Promise<QueueStatus> {
  const { DEAD_LETTER_QUEUE, JOB_QUEUES, failureMessage } = await import(
    '../../runner/distributed/index.ts'
  );
  const queue = await openConfiguredQueue(config, logger, 'status');
  try {
    const { boss } = queue;
    const [counted, instances, dead] = await Promise.all([
      boss.getDb().executeSql(COUNT_BY_STATE(`"${queue.schema}"`), [[...JOB_QUEUES]]),
      boss.getInstances(),
      boss.findJobs<{ kind: string; source: string; trigger: string }>(DEAD_LETTER_QUEUE, {
        queued: true,
        limit: DEAD_SHOWN,
      }),
    ]);
    const originals = await Promise.all(
      dead.map(async (d) =>
        d.sourceId
          ? (await Promise.all(JOB_QUEUES.map((q) => boss.findJobs(q, { id: d.sourceId! })))).flat()
          : [],
      ),
    );
    return {
      schema: queue.schema,
      jobs: countsOf(counted.rows as { state: string; n: number }[]),
      workers: instances
        .filter((i) => i.name === 'worker' && i.live)
        .map((i) => ({
          host: i.host,
          pid: i.pid,
          running: lastRuns.flatMap(({ source, run }) =>
            run?.status === 'running' && run.owner?.host === i.host && run.owner.pid === i.pid
              ? [{ source, kind: run.kind, runId: run.id, since: run.startedAt }]
              : [],
          ),
          heartbeatAt: new Date(i.heartbeatOn).toISOString(),
        })),
      dead: dead.map((d, index) => ({
        jobId: d.id,
        kind: d.data.kind,
        source: d.data.source,
        trigger: d.data.trigger,
        at: new Date(d.createdOn).toISOString(),
        error: failureMessage(originals[index]?.[0]?.output ?? d.output),
      })),
    };
  } finally {
    await queue.stop({ graceful: false, timeoutMs: 1_000 });
  }
}

function countsOf(rows: { state: string; n: number }[]): QueueStatus['jobs'] {
  const n = (state: string) => rows.find((r) => r.state === state)?.n ?? 0;
  return {
    ready: n('created'),
    deferred: n('retry'),
    active: n('active'),
    failed: n('failed'),
  };
}

export function describeQueue(status: QueueStatus): string[] {
  const { ready, deferred, active, failed } = status.jobs;
  const lines = [
    `job queue (runner: distributed, schema ${status.schema})`,
    `  jobs:           ${ready} queued, ${deferred} waiting to retry, ${active} running, ${failed} failed (kept for a while)`,
    `  workers:        ${status.workers.length === 0 ? 'none live (start `notion-sync worker`)' : `${status.workers.length} live`}`,
  ];
  for (const w of status.workers)
    lines.push(
      `    ${w.host} pid ${w.pid}: ${w.running.length === 0 ? 'idle' : w.running.map((r) => `${r.kind} ${r.source} (run #${r.runId} since ${r.since})`).join(', ')}; heartbeat ${w.heartbeatAt}`,
    );
  lines.push(
    `  dead letters:   ${status.dead.length === 0 ? 'none' : `${status.dead.length}${status.dead.length === DEAD_SHOWN ? '+' : ''} (jobs that failed every retry)`}`,
  );
  for (const d of status.dead)
    lines.push(`    ${d.at} ${d.kind} ${d.source} (${d.trigger}): ${d.error}`);
  return lines;
}
