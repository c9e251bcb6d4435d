// The PostgreSQL job queue of the distributed runner: pg-boss in a schema of its own beside the
// store's tables, a queue of bulk jobs (schedules, backfills), a queue of interactive jobs (API,
// MCP, console, webhook refreshes) that workers take in slots of their own so a person never
// waits behind a backfill, and one dead letter queue. Invariants: a job is plain data
// (the `Job` of job.ts) so any process can run it; a job whose worker stops heartbeating is handed
// to another worker (the source's lease and checkpoint make that a resume, not a redo); a job that
// fails `retryLimit + 1` times lands in the dead letter queue with its error, where `status`
// shows it.
import { PgBoss } from 'pg-boss';
import { NotionSyncError } from '../../errors.ts';
import { type Logger, redactUrlCredentials, silentLogger } from '../../shared/index.ts';

/** Queue names: bulk jobs, interactive jobs; poison jobs of either end in the third. */
export const JOB_QUEUE = 'notion-sync-jobs';
export const INTERACTIVE_QUEUE = 'notion-sync-interactive';
export const DEAD_LETTER_QUEUE = 'notion-sync-dead';
export const JOB_QUEUES = [JOB_QUEUE, INTERACTIVE_QUEUE] as const;
/** The pg-boss schema when the store lives in the default `notion_sync` schema. */
export const DEFAULT_QUEUE_SCHEMA = 'notion_sync_jobs';

export interface JobQueueOptions {
  /** The PostgreSQL store URL (the queue lives in the same database). */
  url: string;
  /** pg-boss schema; `notion_sync_jobs` by default. */
  schema?: string;
  /** Seconds a running job may go without its worker's heartbeat before another worker gets it. */
  heartbeatSeconds: number;
  /** Times a failing job is tried again before it moves to the dead letter queue. */
  retryLimit: number;
  /** Seconds before a failed job (or one whose worker went silent) is tried again. */
  retryDelaySeconds: number;
  /** `worker` or `serve`: the name this process has in pg-boss's instance registry. */
  role: 'worker' | 'serve' | 'status';
  logger?: Logger;
}

export interface JobQueue {
  readonly boss: PgBoss;
  /** The database URL (leader election uses the same database). */
  readonly url: string;
  readonly schema: string;
  readonly heartbeatSeconds: number;
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
}

/** Seconds between pg-boss's checks for silent workers: often enough to notice within a heartbeat. */
function superviseSeconds(heartbeatSeconds: number): number {
  return Math.max(1, Math.min(60, Math.floor(heartbeatSeconds / 2)));
}

/**
 * Starts pg-boss on the store's database, creating its schema and the two queues when missing.
 * `queue_unreachable` when the database does not answer.
 */
export async function openJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const logger = options.logger ?? silentLogger;
  const schema = options.schema ?? DEFAULT_QUEUE_SCHEMA;
  const boss = new PgBoss({
    connectionString: options.url,
    schema,
    application_name: `notion-sync ${options.role}`,
    instanceName: options.role,
    instanceHeartbeatSeconds: Math.min(30, options.heartbeatSeconds),
    superviseIntervalSeconds: superviseSeconds(options.heartbeatSeconds),
    monitorIntervalSeconds: superviseSeconds(options.heartbeatSeconds),
    // Schedules are ours (the leader's scheduler), not pg-boss cron.
    schedule: false,
    supervise: options.role !== 'status',
    // `status` only reads: it is no instance of the fleet.
    registerInstance: options.role !== 'status',
  });
  // pg-boss reports connection trouble as events; it retries by itself, so these are logged.
  boss.on('error', (error) => logger.warn({ err: redactedError(error) }, 'job queue error'));
  boss.on('warning', (warning) => logger.debug({ warning }, 'job queue warning'));
  try {
    await boss.start();
    await ensureQueues(boss, options);
  } catch (error) {
    await boss.stop({ graceful: false, timeout: 1_000 }).catch(() => {});
    throw new NotionSyncError(
      'queue_unreachable',
      `The job queue in ${redactUrlCredentials(options.url)} (schema ${schema}) could not start: ${redactedError(error).message}. Check that PostgreSQL is reachable and the user may create schemas.`,
      { cause: error },
    );
  }
  return {
    boss,
    url: options.url,
    schema,
    heartbeatSeconds: options.heartbeatSeconds,
    async stop(stop = {}) {
      await boss.stop({
        graceful: stop.graceful ?? true,
        timeout: stop.timeoutMs ?? 10_000,
        close: true,
      });
    },
  };
}

async function ensureQueues(boss: PgBoss, options: JobQueueOptions): Promise<void> {
  const queues = new Set((await boss.getQueues()).map((q) => q.name));
  if (!queues.has(DEAD_LETTER_QUEUE))
    await boss.createQueue(DEAD_LETTER_QUEUE, { retentionSeconds: 30 * 86_400 });
  const settings = {
    heartbeatSeconds: options.heartbeatSeconds,
    // Liveness is the heartbeat's job; expiry only bounds a run that heartbeats forever.
    expireInSeconds: 24 * 3_600,
    retryLimit: options.retryLimit,
    retryDelay: options.retryDelaySeconds,
  };
  for (const name of JOB_QUEUES) {
    if (!queues.has(name))
      await boss.createQueue(name, { ...settings, deadLetter: DEAD_LETTER_QUEUE });
    else {
      const { heartbeatSeconds: _fixedAtCreation, ...updatable } = settings;
      await boss.updateQueue(name, updatable);
    }
  }
}

function redactedError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(redactUrlCredentials(message));
}
