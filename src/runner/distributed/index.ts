// Surface of the distributed runner (pg-boss on the PostgreSQL store) for the rest of runner/.
export {
  createDistributedRunner,
  type DistributedRunnerOptions,
  lastQueuedScheduleMs,
  queueOf,
} from './distributed-runner.ts';
export {
  DEAD_LETTER_QUEUE,
  DEFAULT_QUEUE_SCHEMA,
  INTERACTIVE_QUEUE,
  JOB_QUEUE,
  JOB_QUEUES,
  type JobQueue,
  type JobQueueOptions,
  openJobQueue,
} from './job-queue.ts';
export { failureMessage, JobFailedError, type JobResult } from './job-result.ts';
export {
  createJobWorker,
  type JobWorker,
  type JobWorkerOptions,
  parseQueuedJob,
  type RunningJob,
} from './job-worker.ts';
export { createLeaderScheduler } from './leader-scheduler.ts';
export { createLeadership, type Leadership, type LeadershipOptions } from './leadership.ts';
