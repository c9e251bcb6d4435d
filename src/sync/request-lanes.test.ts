// Which lane the engine's Notion requests wait in: a push or sync someone started (console, MCP,
// API, CLI, a watched folder) and a webhook refresh go in the interactive lane; pulls and
// scheduled pushes and syncs in the bulk lane — whichever pacer (local or shared) the connection has.
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.ts';
import {
  createNotionClient,
  createPacer,
  type Pacer,
  type RequestPriority,
} from '../notion/index.ts';
import { createManualClock, systemClock } from '../shared/index.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import { createPushFixture, PUSH_TEST_START_MS } from './test-support/push-fixture.ts';

const memory = storeFactories().find((f) => f.name === 'sqlite-memory')!;

/** A pacer that lets everything through and remembers the lane of every request. */
function recordingPacer(lanes: RequestPriority[]): Pacer {
  const inner = createPacer({
    requestsPerSecond: 100_000,
    burst: 100_000,
    maxInFlight: 8,
    clock: systemClock,
  });
  return {
    acquire(priority = 'bulk') {
      lanes.push(priority);
      return inner.acquire(priority);
    },
    pause: inner.pause,
    state: inner.state,
  };
}

describe('request lanes', () => {
  it('puts console and webhook work in the interactive lane, pulls and schedules in the bulk one', async () => {
    const clock = createManualClock(PUSH_TEST_START_MS);
    const emu = await createEmulator({ clock });
    const lanes: RequestPriority[] = [];
    const notion = createNotionClient({
      token: emu.token,
      baseUrl: emu.baseUrl,
      fetch: emu.fetch,
      pacer: recordingPacer(lanes),
    });
    const f = await createPushFixture(memory, emu, clock, { engine: { notion } });
    const lanesOf = async (work: () => Promise<unknown>) => {
      lanes.length = 0;
      await work();
      return [...new Set(lanes)];
    };
    expect(await lanesOf(() => f.engine.pull())).toEqual(['bulk']);
    const edit = (n: number) => f.engine.records.update('tasks', f.ids[0]!, { N: n });
    await edit(10);
    expect(await lanesOf(() => f.engine.push(['tasks'], { trigger: 'console' }))).toEqual([
      'interactive',
    ]);
    await edit(11);
    expect(await lanesOf(() => f.engine.push(['tasks'], { trigger: 'schedule' }))).toEqual([
      'bulk',
    ]);
    expect(
      await lanesOf(() => f.engine.refresh('tasks', [f.ids[1]!], { trigger: 'webhook:e1' })),
    ).toEqual(['interactive']);
    await edit(12);
    expect(await lanesOf(() => f.engine.sync(['tasks'], { trigger: 'console' }))).toEqual([
      'interactive',
    ]);
    await edit(13);
    expect(await lanesOf(() => f.engine.sync(['tasks'], { trigger: 'schedule' }))).toEqual([
      'bulk',
    ]);
  });
});
