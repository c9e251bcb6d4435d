// `status` under `runner: distributed`: the job queue's depth, the live workers with the jobs
// each runs now (from pg-boss's instance registry, which every worker heartbeats into), and the
// dead letter queue with each poison job's error.
import type { Config } from '../../config/index.ts';
import type { Logger } from '../../shared/index.ts';
import { openConfiguredQueue } from '../open-queue.ts';

export interface QueueStatus {
  schema: string;
  jobs: { ready: number; deferred: number; active: number; failed: number };
  workers: {
    host: string;
    pid: number;
    running: number;
    concurrency: number;
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

export async function queueStatus(config: Config, logger: Logger): Promise<QueueStatus> {
  const { DEAD_LETTER_QUEUE, JOB_QUEUE, failureMessage } = await import(
    '../../runner/distributed/index.ts'
  );
  const queue = await openConfiguredQueue(config, logger, 'status');
  try {
    const { boss } = queue;
    const [jobs, instances, dead] = await Promise.all([
      boss.getQueue(JOB_QUEUE),
      boss.getInstances(),
      boss.findJobs<{ kind: string; source: string; trigger: string }>(DEAD_LETTER_QUEUE, {
        queued: true,
        limit: DEAD_SHOWN,
      }),
    ]);
    const originals = await Promise.all(
      dead.map((d) =>
        d.sourceId ? boss.findJobs(JOB_QUEUE, { id: d.sourceId }) : Promise.resolve([]),
      ),
    );
    return {
      schema: queue.schema,
      jobs: {
        ready: jobs?.readyCount ?? 0,
        deferred: jobs?.deferredCount ?? 0,
        active: jobs?.activeCount ?? 0,
        failed: jobs?.failedCount ?? 0,
      },
      workers: instances
        .filter((i) => i.name === 'worker' && i.live)
        .map((i) => ({
          host: i.host,
          pid: i.pid,
          running: i.workers.reduce((n, w) => n + w.active, 0),
          concurrency: i.workers.reduce((n, w) => n + w.localConcurrency, 0),
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

export function describeQueue(status: QueueStatus): string[] {
  const { ready, deferred, active, failed } = status.jobs;
  const lines = [
    `job queue (runner: distributed, schema ${status.schema})`,
    `  jobs:           ${ready} ready, ${deferred} waiting to retry or hand on, ${active} running, ${failed} failed (kept for a while)`,
    `  workers:        ${status.workers.length === 0 ? 'none live (start `notion-sync worker`)' : ''}`,
  ];
  for (const w of status.workers)
    lines.push(
      `    ${w.host} pid ${w.pid}: ${w.running}/${w.concurrency} jobs running, heartbeat ${w.heartbeatAt}`,
    );
  lines.push(
    `  dead letters:   ${status.dead.length === 0 ? 'none' : `${status.dead.length}${status.dead.length === DEAD_SHOWN ? '+' : ''} (jobs that failed every retry)`}`,
  );
  for (const d of status.dead)
    lines.push(`    ${d.at} ${d.kind} ${d.source} (${d.trigger}): ${d.error}`);
  return lines;
}
