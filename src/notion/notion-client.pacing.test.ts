// Invariant: one connection never exceeds its token bucket, spends nearly all of it, and sends
// nothing inside a Retry-After window, even when another client drains the same token's budget.
import { Client } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../emulator/index.ts';
import { createManualClock, type ManualClock } from '../shared/index.ts';
import { createNotionClient } from './notion-client.ts';
import type { RequestRecord } from './request-stats.ts';

/** Advances the shared manual clock until `work` settles. */
async function drive<T>(clock: ManualClock, work: Promise<T>, stepMs = 10): Promise<T> {
  let done = false;
  const result = work.finally(() => {
    done = true;
  });
  while (!done) {
    // Let granted requests go out at the time they were granted before time moves on.
    await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(stepMs);
  }
  return result;
}

describe('pacing against the emulator', () => {
  it('sends 300 requests at 3 rps burst 10 with no 429 and ≥ 95% utilization', async () => {
    const clock = createManualClock();
    const emulator = await createEmulator({
      clock,
      rateLimit: { requestsPerSecond: 3, burst: 10 },
    });
    const client = createNotionClient({
      token: emulator.token,
      baseUrl: emulator.baseUrl,
      fetch: emulator.fetch,
      clock,
      pacing: { requestsPerSecond: 3, burst: 10, maxInFlight: 3 },
    });
    const records: RequestRecord[] = [];
    client.onRequest((r) => records.push(r));
    const calls = Array.from({ length: 300 }, () =>
      client.pages.retrieve({ page_id: emulator.rootPageId }),
    );
    await drive(clock, Promise.all(calls));

    expect(records).toHaveLength(300);
    expect(records.filter((r) => r.status === 429)).toHaveLength(0);
    expect(client.stats().rateLimited).toBe(0);
    const starts = records.map((r) => r.startedAt).sort((a, b) => a - b);
    const spanSeconds = ((starts.at(-1) ?? 0) - (starts[0] ?? 0)) / 1000;
    const budget = 10 + 3 * spanSeconds;
    const utilization = records.length / budget;
    expect(utilization).toBeGreaterThanOrEqual(0.95);
    expect(utilization).toBeLessThanOrEqual(1.0001);
    // The waiting was done by the pacer and counted.
    expect(client.stats().pacingWaitMs).toBeGreaterThan(0);
  });

  it('pauses the whole bucket for Retry-After when another client spends the budget', async () => {
    const clock = createManualClock();
    const emulator = await createEmulator({
      clock,
      rateLimit: { requestsPerSecond: 3, burst: 10 },
    });
    const ours = createNotionClient({
      token: emulator.token,
      baseUrl: emulator.baseUrl,
      fetch: emulator.fetch,
      clock,
      pacing: { requestsPerSecond: 3, burst: 10, maxInFlight: 3 },
      maxRateLimitRetries: 50,
    });
    const other = new Client({
      auth: emulator.token,
      baseUrl: emulator.baseUrl,
      fetch: emulator.fetch,
      retry: false,
      notionVersion: '2026-03-11',
    });
    const records: RequestRecord[] = [];
    ours.onRequest((r) => records.push(r));

    const spend = async () => {
      // The other client grabs 4 requests every 2 s of clock time, ignoring refusals.
      for (let round = 0; round < 10; round++) {
        await Promise.allSettled(Array.from({ length: 4 }, () => other.users.me({})));
        await clock.sleep(2000);
      }
    };
    const work = Promise.all([
      Promise.all(
        Array.from({ length: 40 }, () => ours.pages.retrieve({ page_id: emulator.rootPageId })),
      ),
      spend(),
    ]);
    const [results] = await drive(clock, work);

    expect(results).toHaveLength(40);
    const limited = records.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const refusal of limited) {
      const windowEnd = refusal.startedAt + (refusal.retryAfterMs ?? 0);
      const inside = records.filter(
        (r) => r.startedAt > refusal.startedAt && r.startedAt < windowEnd,
      );
      expect(inside).toStrictEqual([]);
    }
    expect(ours.stats().rateLimited).toBe(limited.length);
    // The same, seen from the emulator's request log (our client is the only one reading pages).
    const log = emulator.control.requestLog().filter((r) => r.route?.startsWith('GET /v1/pages/'));
    const refusals = log.filter((r) => r.status === 429);
    expect(refusals).toHaveLength(limited.length);
    for (const refusal of refusals) {
      const at = Date.parse(refusal.time);
      const retryAfterMs =
        limited.find((r) => r.requestId === refusal.requestId)?.retryAfterMs ?? 1000;
      expect(
        log.filter((r) => Date.parse(r.time) > at && Date.parse(r.time) < at + retryAfterMs),
      ).toStrictEqual([]);
    }
    expect(log.filter((r) => r.status === 200)).toHaveLength(40);
  });
});
