// Surface of src/runner/ for other folders (DESIGN.md §3).
export {
  executeJob,
  JANITOR_LANE,
  type JanitorJob,
  type Job,
  type JobContext,
  type JobOutcome,
  type JobStatus,
  jobKindFor,
  type RefreshJob,
  type SourceJob,
  type SourceJobKind,
} from './job.ts';
export { createLocalRunner, type LocalRunnerOptions } from './local-runner.ts';
export type { Runner, RunnerStopResult, StartedJob } from './runner.ts';
export { parseSchedule, type Schedule, scheduleOf } from './schedule.ts';
export {
  createScheduler,
  lastScheduledRunMs,
  nextScheduledRun,
  planNextRun,
  type ScheduledSource,
  type Scheduler,
  type SchedulerOptions,
} from './scheduler.ts';
export { sleepOn } from './sleep.ts';
// The distributed runner (pg-boss, which loads pg) has its own surface, loaded only by the
// commands that use it: ./distributed/index.ts.
