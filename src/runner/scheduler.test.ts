// Invariant: a scheduled source never has two runs at once, and missed slots — while a run
// took longer than the interval, or while the scheduler was stopped — run once, not once per
// slot. Everything runs on the emulator's manual clock; no test waits real minutes.
import { describe, expect, it } from 'vitest';
import type { Config, SourceConfig } from '../config/index.ts';
import { createEmulator } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { createManualClock, type ManualClock } from '../shared/index.ts';
import { type StoreFactory, storeFactories } from '../store/test-support/store-factories.ts';
import type { Engine } from '../sync/index.ts';
import { createPullHarness } from '../sync/test-support/pull-harness.ts';
import { executeJob, JANITOR_LANE, type Job, type JobContext } from './job.ts';
import { createLocalRunner } from './local-runner.ts';
import { parseSchedule } from './schedule.ts';
import { createScheduler, planNextRun } from './scheduler.ts';

const MINUTE = 60_000;
const defaults: Pick<Config, 'schedule' | 'timezone' | 'jitter'> = {
  schedule: undefined,
  timezone: 'UTC',
  jitter: undefined,
};

/** Jobs that run the real engine, then stay busy `extraMs` on the clock; records overlaps. */
function slowJobs(clock: ManualClock, extraMs: number) {
  let active = 0;
  let working: Promise<unknown> = Promise.resolve();
  const probe = { maxActive: 0, starts: [] as number[] };
  const execute = async (engine: Engine, job: Job, context: JobContext) => {
    active += 1;
    probe.maxActive = Math.max(probe.maxActive, active);
    probe.starts.push(clock.now());
    const run = executeJob(engine, job, context);
    working = run;
    const outcome = await run;
    await clock.sleep(extraMs);
    active -= 1;
    return outcome;
  };
  return { execute, probe, idle: () => working };
}

async function setup(factory: StoreFactory) {
  const clock = createManualClock(Date.UTC(2026, 3, 1, 8, 0, 0));
  const emu = await createEmulator({ clock });
  const dsId = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
  emu.control.bulkCreatePages(dsId, [{ Name: { title: [{ text: { content: 'a' } }] } }]);
  const sources: SourceConfig[] = [{ name: 'tasks', dataSource: dsId, schedule: '* * * * *' }];
  const h = await createPullHarness(factory, emu, sources, clock);
  return { clock, h, sources };
}

/** Moves the clock in 1 s steps, letting each started job's real work finish in between. */
async function runFor(clock: ManualClock, ms: number, idle: () => Promise<unknown>) {
  const settle = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    await idle();
  };
  for (let t = 0; t < ms; t += 1000) {
    await settle();
    await clock.advance(1000);
  }
  await settle();
}

describe('planNextRun', () => {
  it('collapses any number of missed slots into one run now', () => {
    const every = parseSchedule('* * * * *');
    const t0 = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(planNextRun(every, null, t0 + 10_000)).toBe(t0 + MINUTE);
    expect(planNextRun(every, t0, t0 + 30_000)).toBe(t0 + MINUTE);
    expect(planNextRun(every, t0, t0 + 5 * MINUTE + 7_000)).toBe(t0 + 5 * MINUTE + 7_000);
    expect(planNextRun(parseSchedule('15m'), t0, t0 + MINUTE)).toBe(t0 + 15 * MINUTE);
    const seconds = parseSchedule('*/20 * * * * *');
    expect(seconds.nextSlot(t0)).toBe(t0 + 20_000);
    const berlin = parseSchedule('0 9 * * *', 'Europe/Berlin');
    expect(new Date(berlin.nextSlot(t0)!).toISOString()).toBe('2026-01-01T08:00:00.000Z');
  });
});

describe.each(storeFactories())('scheduler on $name', (factory) => {
  it('never overlaps runs of a source whose run takes longer than its minute', async () => {
    const { clock, h, sources } = await setup(factory);
    const jobs = slowJobs(clock, 90_000);
    const runner = createLocalRunner({ engine: h.engine, clock, execute: jobs.execute });
    const scheduler = createScheduler({ sources, defaults, runner, store: h.store, clock });
    await scheduler.start();
    await runFor(clock, 10 * MINUTE, jobs.idle);
    await scheduler.stop();
    // The run in progress may finish within the bounded stop time (on the clock).
    const stopped = runner.stop(2 * MINUTE);
    await runFor(clock, 2 * MINUTE, jobs.idle);
    expect(await stopped).toEqual({ abandoned: 0 });
    expect(jobs.probe.maxActive).toBe(1);
    // Each run took 90 s: back to back there is room for 6–7 runs in 10 minutes, never 10.
    expect(jobs.probe.starts.length).toBeGreaterThanOrEqual(5);
    expect(jobs.probe.starts.length).toBeLessThan(8);
    for (const [i, start] of jobs.probe.starts.slice(1).entries())
      expect(start - jobs.probe.starts[i]!).toBeGreaterThanOrEqual(90_000);
    const runs = await h.store.runs.list({ triggerPrefix: 'schedule', limit: 50 });
    expect(runs.length).toBe(jobs.probe.starts.length);
    expect(runs.every((r) => r.status === 'ok')).toBe(true);
  });

  it('schedules a source discovered while it runs (an import), and stops when it goes away', async () => {
    const { clock, h, sources } = await setup(factory);
    const jobs = slowJobs(clock, 0);
    const runner = createLocalRunner({ engine: h.engine, clock, execute: jobs.execute });
    let imported: SourceConfig[] = [];
    const scheduler = createScheduler({
      sources: [],
      defaults: { ...defaults, schedule: '* * * * *' },
      runner,
      store: h.store,
      clock,
      discover: async () => imported,
      discoverEveryMs: 10 * MINUTE,
    });
    await scheduler.start();
    await runFor(clock, 2 * MINUTE, jobs.idle);
    expect(jobs.probe.starts).toEqual([]);

    imported = [{ name: 'tasks', dataSource: sources[0]!.dataSource! }];
    await scheduler.refresh(); // what serve does when an import finishes
    expect(scheduler.list().map((s) => s.source)).toEqual(['tasks']);
    await runFor(clock, 3 * MINUTE, jobs.idle);
    expect(jobs.probe.starts.length).toBe(3);

    imported = []; // the installation was disconnected: found by the next rediscovery
    await runFor(clock, 6 * MINUTE, jobs.idle);
    expect(scheduler.list()).toEqual([]);
    const after = jobs.probe.starts.length;
    await runFor(clock, 3 * MINUTE, jobs.idle);
    expect(jobs.probe.starts.length).toBe(after);
    await scheduler.stop();
    await runner.stop(MINUTE);
  });

  it('after a 5-minute stop runs one catch-up run, then follows the schedule', async () => {
    const { clock, h, sources } = await setup(factory);
    const jobs = slowJobs(clock, 0);
    const runner = createLocalRunner({ engine: h.engine, clock, execute: jobs.execute });
    const first = createScheduler({ sources, defaults, runner, store: h.store, clock });
    await first.start();
    await runFor(clock, 3 * MINUTE, jobs.idle);
    await first.stop();
    expect(jobs.probe.starts.length).toBe(3);

    await clock.advance(5 * MINUTE + 20_000);
    const second = createScheduler({ sources, defaults, runner, store: h.store, clock });
    await second.start();
    await runFor(clock, 30_000, jobs.idle);
    expect(jobs.probe.starts.length).toBe(4);
    expect(jobs.probe.starts[3]).toBe(Date.UTC(2026, 3, 1, 8, 8, 20));
    await runFor(clock, 20_000, jobs.idle);
    expect(jobs.probe.starts.length).toBe(5);
    expect(jobs.probe.starts[4]).toBe(Date.UTC(2026, 3, 1, 8, 9, 0));
    expect(second.list()[0]).toMatchObject({
      source: 'tasks',
      nextRunAt: '2026-04-01T08:10:00.000Z',
    });
    await second.stop();
    await runner.stop(MINUTE);
  });

  it('delays a run by at most its jitter', async () => {
    const { clock, h, sources } = await setup(factory);
    const jobs = slowJobs(clock, 0);
    const runner = createLocalRunner({ engine: h.engine, clock, execute: jobs.execute });
    const scheduler = createScheduler({
      sources: [{ ...sources[0]!, schedule: '10m', jitter: '1m' }],
      defaults,
      runner,
      store: h.store,
      clock,
      random: () => 0.5,
    });
    await scheduler.start();
    await runFor(clock, 11 * MINUTE, jobs.idle);
    await scheduler.stop();
    await runner.stop(MINUTE);
    expect(jobs.probe.starts).toEqual([Date.UTC(2026, 3, 1, 8, 10, 30)]);
  });

  it('runs janitor on janitor.schedule in a lane of its own, recorded as a scheduled janitor run', async () => {
    const { clock, h, sources } = await setup(factory);
    const jobs = slowJobs(clock, 0);
    const runner = createLocalRunner({ engine: h.engine, clock, execute: jobs.execute });
    const scheduler = createScheduler({
      sources: [{ ...sources[0]!, schedule: undefined }],
      defaults,
      runner,
      store: h.store,
      clock,
      janitorSchedule: '1h',
    });
    await scheduler.start();
    expect(scheduler.list()).toEqual([
      expect.objectContaining({ source: JANITOR_LANE, schedule: '1h' }),
    ]);
    await runFor(clock, 61 * MINUTE, jobs.idle);
    await scheduler.stop();
    await runner.stop(MINUTE);
    const runs = await h.store.runs.list({ kind: 'janitor', limit: 10 });
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([['schedule', 'ok']]);
  });
});
