import { describe, expect, it } from 'vitest';
import { createManualClock } from '../shared/index.ts';
import { createPacer } from './pacer.ts';

/** Acquires `count` permits at time 0, releasing each at once; returns grant times (= waits). */
async function grantTimes(
  count: number,
  options: { rps: number; burst: number; maxInFlight?: number },
) {
  const clock = createManualClock(0);
  const pacer = createPacer({
    requestsPerSecond: options.rps,
    burst: options.burst,
    maxInFlight: options.maxInFlight ?? 100,
    clock,
  });
  const times: number[] = [];
  const all = Array.from({ length: count }, () =>
    pacer.acquire().then((permit) => {
      times.push(permit.waitedMs);
      permit.release();
    }),
  );
  let settled = false;
  void Promise.all(all).then(() => {
    settled = true;
  });
  while (!settled) await clock.advance(50);
  return { times, clock, pacer };
}

describe('createPacer', () => {
  it('lets a burst out at once, then paces at the average rate', async () => {
    const { times } = await grantTimes(16, { rps: 3, burst: 10 });
    expect(times.slice(0, 10).every((t) => t === 0)).toBe(true);
    // The 11th request needs one more token: 1/3 s after the start.
    for (let i = 10; i < times.length; i++) {
      const earliest = ((i - 9) * 1000) / 3;
      expect(times[i]).toBeGreaterThanOrEqual(earliest);
      expect(times[i]).toBeLessThanOrEqual(earliest + 60);
    }
  });

  it('never exceeds the budget over any window', async () => {
    const { times } = await grantTimes(60, { rps: 3, burst: 5 });
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) {
        const spanMs = (times[j] ?? 0) - (times[i] ?? 0);
        expect(j - i + 1).toBeLessThanOrEqual(5 + Math.floor((spanMs * 3) / 1000) + 1);
      }
    }
  });

  it('bounds the requests in flight', async () => {
    const clock = createManualClock(0);
    const pacer = createPacer({ requestsPerSecond: 100, burst: 100, maxInFlight: 2, clock });
    const permits = await Promise.all([pacer.acquire(), pacer.acquire()]);
    let third = false;
    void pacer.acquire().then(() => {
      third = true;
    });
    await clock.advance(1000);
    expect(third).toBe(false);
    expect(pacer.state().inFlight).toBe(2);
    permits[0]?.release();
    await clock.advance(1);
    expect(third).toBe(true);
  });

  it('sends nothing while paused and counts the wait', async () => {
    const clock = createManualClock(0);
    const pacer = createPacer({ requestsPerSecond: 3, burst: 10, maxInFlight: 5, clock });
    pacer.pause(2000);
    let waited = -1;
    void pacer.acquire().then((permit) => {
      waited = permit.waitedMs;
      permit.release();
    });
    await clock.advance(1999);
    expect(waited).toBe(-1);
    // After the pause the bucket restarts empty: one token takes another 1/3 s.
    await clock.advance(400);
    expect(waited).toBeGreaterThanOrEqual(2000);
    expect(waited).toBeLessThanOrEqual(2400);
  });

  it('serves interactive callers before a backlog of bulk ones', async () => {
    const clock = createManualClock(0);
    const pacer = createPacer({ requestsPerSecond: 3, burst: 1, maxInFlight: 10, clock });
    const order: string[] = [];
    const take = (lane: 'interactive' | 'bulk', label: string) =>
      pacer.acquire(lane).then((permit) => {
        order.push(label);
        permit.release();
      });
    const all = [0, 1, 2, 3].map((n) => take('bulk', `bulk${n}`));
    all.push(take('interactive', 'interactive'));
    await clock.advance(5000);
    await Promise.all(all);
    // The first bulk caller took the one token there was; the interactive one is next.
    expect(order).toEqual(['bulk0', 'interactive', 'bulk1', 'bulk2', 'bulk3']);
  });
});
