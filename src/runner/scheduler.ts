// Runs each scheduled source on its schedule through the runner. Invariants:
// - a source's runs never overlap: its loop waits for a run to end before planning the next,
//   and the runner puts it in line behind webhook refreshes and API runs of the same source
//   (the source's lease guards against other processes);
// - missed slots run ONCE, not once per slot: the next slot is planned after the time the last
//   run started, so slots that passed while it ran, or while `serve` was down (the last
//   scheduled run is read from the store at start), collapse into one catch-up run right away;
// - `janitor` runs on its own schedule in a lane of its own, planned the same way;
// - sources that appear while it runs (imports through OAuth installations, from `discover`)
//   are planned when they appear — on `refresh()` and every `discoverEveryMs` — and the ones
//   that disappear (a disconnected installation, a detached source) stop being planned;
// - all waiting is on the injected clock, so tests move time instead of waiting for it.
import type { Config, SourceConfig } from '../config/index.ts';
import { type Clock, type Logger, silentLogger, systemClock } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { JANITOR_LANE, type JanitorJob, jobKindFor, type SourceJob } from './job.ts';
import type { Runner } from './runner.ts';
import { parseSchedule, type Schedule, scheduleOf } from './schedule.ts';
import { sleepOn } from './sleep.ts';

export interface SchedulerOptions {
  sources: SourceConfig[];
  defaults: Pick<Config, 'schedule' | 'timezone' | 'jitter'>;
  runner: Runner;
  store: Store;
  clock?: Clock;
  logger?: Logger;
  /** Source of jitter in [0, 1); Math.random by default. */
  random?: () => number;
  /** When to run `janitor` (config `janitor.schedule`); none when absent. */
  janitorSchedule?: string;
  /**
   * Epoch ms of the last scheduled job of a lane (a source's name, or the janitor lane) that was
   * sent but may not have a run yet — the distributed runner's queue. A scheduler taking over
   * from another instance then plans after that job, not after the last run that started.
   */
  lastQueuedMs?: (lane: string) => Promise<number | null>;
  /** Sources beyond `sources` that come and go at run time (imported ones), on the default schedule. */
  discover?: () => Promise<SourceConfig[]>;
  /** How often `discover` is asked again (default 60 s). */
  discoverEveryMs?: number;
}

export interface ScheduledSource {
  source: string;
  schedule: string;
  timezone: string;
  /** When the next run is planned (ISO time); null when the schedule has no more slots. */
  nextRunAt: string | null;
}

export interface Scheduler {
  /** Plans every scheduled source (reading its last scheduled run) and starts the loops. */
  start(): Promise<void>;
  /** Stops planning; a run in progress is the runner's to stop. */
  stop(): Promise<void>;
  /** Asks `discover` now: plans the sources that appeared, stops planning the ones gone. */
  refresh(): Promise<void>;
  list(): ScheduledSource[];
}

/** Epoch ms of the last run `serve`'s scheduler started for the source; null if none. */
export async function lastScheduledRunMs(store: Store, name: string): Promise<number | null> {
  const source = await store.sources.getByName(name);
  if (!source) return null;
  const [run] = await store.runs.list({ sourceId: source.id, triggerPrefix: 'schedule', limit: 1 });
  return run ? Date.parse(run.startedAt) : null;
}

/**
 * The next slot to run at: the first slot after `fromMs` (the last run's start), or `nowMs` at
 * once when that slot has already passed (one catch-up for any number of missed slots).
 */
export function planNextRun(
  schedule: Schedule,
  fromMs: number | null,
  nowMs: number,
): number | null {
  if (fromMs === null) return schedule.nextSlot(nowMs);
  const slot = schedule.nextSlot(fromMs);
  return slot !== null && slot <= nowMs ? nowMs : slot;
}

/** When `serve` would run the source next (what `status` shows); null when it has no schedule. */
export async function nextScheduledRun(
  store: Store,
  config: SourceConfig,
  defaults: SchedulerOptions['defaults'],
  nowMs: number,
): Promise<Omit<ScheduledSource, 'source'> | null> {
  const schedule = scheduleOf(config, defaults);
  if (!schedule) return null;
  const next = planNextRun(schedule, await lastScheduledRunMs(store, config.name), nowMs);
  return {
    schedule: schedule.text,
    timezone: schedule.timezone,
    nextRunAt: next === null ? null : new Date(next).toISOString(),
  };
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const random = options.random ?? Math.random;
  const stopper = new AbortController();
  const planned = new Map<string, ScheduledSource>();
  /** Each planned loop's own stop (a discovered source that went away). */
  const loopStops = new Map<string, AbortController>();

  async function loop(
    name: string,
    job: SourceJob | JanitorJob,
    schedule: Schedule,
    firstAt: number | null,
  ) {
    const entry = planned.get(name)!;
    const signal = AbortSignal.any([stopper.signal, loopStops.get(name)!.signal]);
    let slot = firstAt;
    while (slot !== null && !signal.aborted) {
      const fireAt = slot + Math.floor(random() * schedule.jitterMs);
      entry.nextRunAt = new Date(fireAt).toISOString();
      if (!(await sleepOn(clock, fireAt - clock.now(), signal))) return;
      const startedMs = clock.now();
      entry.nextRunAt = null;
      try {
        // The slot travels with the job: a scheduler elected later plans after it.
        const outcome = await options.runner.enqueue({ ...job, scheduledFor: slot });
        if (outcome.status === 'busy')
          logger.warn(
            { source: name },
            'scheduled run skipped: another process is running this source',
          );
      } catch (error) {
        if (stopper.signal.aborted) return;
        logger.error({ source: name, err: error }, 'scheduled run could not start');
      }
      slot = planNextRun(schedule, startedMs, clock.now());
    }
  }

  /** The later of the lane's last run and its last queued scheduled job. */
  async function latest(lastRun: Promise<number | null>, lane: string): Promise<number | null> {
    const [run, queued] = await Promise.all([lastRun, options.lastQueuedMs?.(lane) ?? null]);
    if (run === null) return queued;
    return queued === null ? run : Math.max(run, queued);
  }

  function plan(
    name: string,
    job: SourceJob | JanitorJob,
    schedule: Schedule,
    first: number | null,
  ) {
    planned.set(name, {
      source: name,
      schedule: schedule.text,
      timezone: schedule.timezone,
      nextRunAt: null,
    });
    loopStops.set(name, new AbortController());
    void loop(name, job, schedule, first);
  }

  async function planSource(config: SourceConfig) {
    const schedule = scheduleOf(config, options.defaults);
    if (!schedule) return;
    const first = planNextRun(
      schedule,
      await latest(lastScheduledRunMs(options.store, config.name), config.name),
      clock.now(),
    );
    plan(
      config.name,
      { kind: jobKindFor(config), source: config.name, trigger: 'schedule' },
      schedule,
      first,
    );
  }

  const configured = new Set(options.sources.map((s) => s.name));
  let discovering: Promise<void> = Promise.resolve();

  /** Plans discovered sources not planned yet; stops those no longer discovered. */
  function discoverSources(): Promise<void> {
    const discover = options.discover;
    if (!discover || stopper.signal.aborted) return discovering;
    // One discovery at a time: two refreshes never plan one source twice.
    discovering = discovering.then(async () => {
      let found: SourceConfig[];
      try {
        found = (await discover()).filter((s) => !configured.has(s.name));
      } catch (error) {
        logger.warn({ err: error }, 'could not list imported sources to schedule; will try again');
        return;
      }
      const names = new Set(found.map((s) => s.name));
      for (const name of [...planned.keys()]) {
        if (configured.has(name) || name === JANITOR_LANE || names.has(name)) continue;
        loopStops.get(name)?.abort();
        loopStops.delete(name);
        planned.delete(name);
      }
      for (const source of found) if (!planned.has(source.name)) await planSource(source);
    });
    return discovering;
  }

  async function rediscoverLoop(everyMs: number) {
    while (await sleepOn(clock, everyMs, stopper.signal)) await discoverSources();
  }

  return {
    async start() {
      for (const config of options.sources) await planSource(config);
      await discoverSources();
      if (options.discover) void rediscoverLoop(options.discoverEveryMs ?? 60_000);
      if (options.janitorSchedule) {
        const schedule = parseSchedule(options.janitorSchedule, options.defaults.timezone ?? 'UTC');
        const [last] = await options.store.runs.list({
          kind: 'janitor',
          triggerPrefix: 'schedule',
          limit: 1,
        });
        const lastRun = Promise.resolve(last ? Date.parse(last.startedAt) : null);
        const first = planNextRun(schedule, await latest(lastRun, JANITOR_LANE), clock.now());
        plan(
          JANITOR_LANE,
          { kind: 'janitor', source: JANITOR_LANE, trigger: 'schedule' },
          schedule,
          first,
        );
      }
      logger.info({ sources: [...planned.keys()] }, 'scheduler started');
    },
    async stop() {
      // A loop waiting for its run ends with that run; the runner's stop bounds that wait.
      stopper.abort();
    },
    refresh: discoverSources,
    list: () => [...planned.values()].map((entry) => ({ ...entry })),
  };
}
