// The library surface of `notion-sync/server`: the `serve` service (webhooks, scheduler, REST
// API, console, metrics), its runners (local, and distributed on pg-boss with the worker
// service), the scheduler, and webhook signatures. Named exports only.
export {
  createDistributedRunner,
  createJobWorker,
  type JobQueue,
  type JobQueueOptions,
  openJobQueue,
} from './runner/distributed/index.ts';
export {
  createLocalRunner,
  createScheduler,
  executeJob,
  type Job,
  type JobOutcome,
  type LocalRunnerOptions,
  parseSchedule,
  type Runner,
  type Scheduler,
} from './runner/index.ts';
export {
  createServeService,
  createWorkerService,
  type ServeOptions,
  type ServeService,
  signWebhookBody,
  verifyWebhookSignature,
  type WorkerService,
  type WorkerServiceOptions,
} from './server/index.ts';
