// Invariant: an AbortSignal stops a run at its next safe point — after the batch (pull) or item
// (push) being committed — keeping what was committed and the checkpoint, marking the run
// `interrupted`, releasing the lease, and rejecting the call with `run_interrupted`. The next run
// starts at once and finishes the work.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.ts';
import { createManualClock } from '../shared/index.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import { createPushFixture, PUSH_TEST_START_MS } from './test-support/push-fixture.ts';

const factories = storeFactories().filter((f) => f.name !== 'sqlite-file');

async function setup(factory: (typeof factories)[number], rows: number) {
  const clock = createManualClock(PUSH_TEST_START_MS);
  const emu = await createEmulator({ clock });
  return { ...(await createPushFixture(factory, emu, clock, { rows })), emu };
}

describe.each(factories)('interrupting runs on $name', (factory) => {
  it('a pull stops after the batch it commits, keeps its checkpoint, and the next pull finishes', async () => {
    const f = await setup(factory, 250);
    const controller = new AbortController();
    const error = await f.engine
      .pull(['tasks'], {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'rows') controller.abort();
        },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'run_interrupted' });
    const source = (await f.store.sources.getByName('tasks'))!;
    const [run] = await f.store.runs.list({ sourceId: source.id });
    expect(run!.status).toBe('interrupted');
    expect((await f.store.records.count(source.id)).live).toBe(100);
    // The batch's checkpoint (the in-flight query state of this first, full pass) is kept.
    const checkpoint = await f.store.checkpoints.read(source.id);
    expect(checkpoint).toMatchObject({ runId: run!.id });
    expect(checkpoint!.cursor ?? checkpoint!.queryState).toBeTruthy();

    const next = await f.engine.pull(['tasks']);
    expect(next.sources[0]).toMatchObject({ status: 'ok' });
    expect((await f.store.records.count(source.id)).live).toBe(250);
  });

  it('a push stops before its next item and marks the run interrupted', async () => {
    const f = await setup(factory, 3);
    expect((await f.engine.pull()).ok).toBe(true);
    for (const id of f.ids) await f.engine.records.update('tasks', id, { N: 40 });
    const controller = new AbortController();
    controller.abort();
    await expect(f.engine.push(['tasks'], { signal: controller.signal })).rejects.toMatchObject({
      code: 'run_interrupted',
    });
    const push = await f.engine.push(['tasks']);
    expect(push.sources[0]).toMatchObject({ status: 'ok', counts: { updated: 3 } });
  });
});
