// Invariant: with several `serve` instances on one PostgreSQL store, a schedule fires once per
// slot — only the instance holding the advisory lock plans — and when the leader stops, another
// instance takes over and the schedule goes on, still once per slot. Runs on the manual clock.
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../config/index.ts';
import { createEmulator } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { createManualClock, type ManualClock } from '../../shared/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import type { Engine } from '../../sync/index.ts';
import { createPullHarness } from '../../sync/test-support/pull-harness.ts';
import { executeJob, type Job, type JobContext } from '../job.ts';
import { createLocalRunner } from '../local-runner.ts';
import { createScheduler } from '../scheduler.ts';
import { createLeaderScheduler } from './leader-scheduler.ts';
import { createLeadership } from './leadership.ts';

const MINUTE = 60_000;
const postgres = storeFactories().find((f) => f.name === 'postgres')!;

async function setup() {
  const clock = createManualClock(Date.UTC(2026, 3, 1, 8, 0, 0));
  const emu = await createEmulator({ clock });
  const dsId = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
  const sources: SourceConfig[] = [{ name: 'tasks', dataSource: dsId, schedule: '* * * * *' }];
  const h = await createPullHarness(postgres, emu, sources, clock);
  return { clock, h, sources };
}

/** One `serve` instance: a runner that records which instance ran what, under leadership. */
function instance(
  name: string,
  fired: { by: string; at: number }[],
  ctx: Awaited<ReturnType<typeof setup>>,
) {
  const { clock, h, sources } = ctx;
  let working: Promise<unknown> = Promise.resolve();
  const execute = (engine: Engine, job: Job, context: JobContext) => {
    fired.push({ by: name, at: clock.now() });
    const run = executeJob(engine, job, context);
    working = run;
    return run;
  };
  const runner = createLocalRunner({ engine: h.engine, clock, execute });
  const leadership = createLeadership({
    url: h.testStore.url,
    key: `scheduler:${h.testStore.schema}`,
    clock,
    retryMs: 10_000,
  });
  const scheduler = createLeaderScheduler(leadership, () =>
    createScheduler({
      sources,
      defaults: { schedule: undefined, timezone: 'UTC', jitter: undefined },
      runner,
      store: h.store,
      clock,
    }),
  );
  return { scheduler, leadership, runner, idle: () => working };
}

async function runFor(clock: ManualClock, ms: number, idle: () => Promise<unknown>) {
  for (let t = 0; t < ms; t += 1000) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    await idle();
    await clock.advance(1000);
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  await idle();
}

describe('schedules under runner: distributed', () => {
  it('two serve instances on one store: one run per slot, and a takeover when the leader stops', async () => {
    const ctx = await setup();
    const fired: { by: string; at: number }[] = [];
    const a = instance('a', fired, ctx);
    const b = instance('b', fired, ctx);
    await a.scheduler.start();
    await b.scheduler.start();
    expect([a.leadership.isLeader(), b.leadership.isLeader()]).toEqual([true, false]);
    const idle = () => Promise.all([a.idle(), b.idle()]);

    await runFor(ctx.clock, 3 * MINUTE, idle);
    expect(fired.map((f) => f.by)).toEqual(['a', 'a', 'a']);
    expect(new Set(fired.map((f) => f.at)).size).toBe(3);

    await a.scheduler.stop();
    await a.runner.stop(MINUTE);
    await runFor(ctx.clock, 3 * MINUTE, idle);
    expect(b.leadership.isLeader()).toBe(true);
    const byB = fired.filter((f) => f.by === 'b');
    expect(byB.length).toBe(3);
    // Once per slot across both instances: no minute ran twice.
    const minutes = fired.map((f) => Math.floor(f.at / MINUTE));
    expect(new Set(minutes).size).toBe(minutes.length);
    const runs = await ctx.h.store.runs.list({ triggerPrefix: 'schedule', limit: 50 });
    expect(runs.length).toBe(fired.length);
    await b.scheduler.stop();
    await b.runner.stop(MINUTE);
  });
});
