// The library surface of `notion-sync/server`: the `serve` service (webhooks, scheduler, REST
// API, console, metrics), its runner and scheduler, and webhook signatures. Named exports only.
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
  type ServeOptions,
  type ServeService,
  signWebhookBody,
  verifyWebhookSignature,
} from './server/index.ts';
