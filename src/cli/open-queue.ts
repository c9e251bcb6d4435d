// Opens the PostgreSQL job queue of `runner: distributed` for `serve`, `worker` and `status`.
// Loaded on demand: pg-boss (and pg) stay out of every other command's process.
import type { Config } from '../config/index.ts';
import type { JobQueue } from '../runner/distributed/index.ts';
import type { Logger } from '../shared/index.ts';

export async function openConfiguredQueue(
  config: Config,
  logger: Logger,
  role: 'serve' | 'worker' | 'status',
): Promise<JobQueue> {
  const { openJobQueue } = await import('../runner/distributed/index.ts');
  return openJobQueue({
    url: config.store,
    heartbeatSeconds: config.worker.heartbeatSeconds,
    retryLimit: config.worker.retryLimit,
    retryDelaySeconds: config.worker.retryDelaySeconds,
    role,
    logger,
  });
}
