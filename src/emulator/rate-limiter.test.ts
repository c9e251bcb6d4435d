import { describe, expect, it } from 'vitest';
import { createManualClock } from '../shared/index.ts';
import { createRateLimiter } from './rate-limiter.ts';

describe('createRateLimiter', () => {
  it('lets a burst through, then refuses with whole-second Retry-After until tokens refill', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ requestsPerSecond: 3, burst: 10 }, clock.now);
    const decisions = Array.from({ length: 12 }, () => limiter.take('a'));
    expect(decisions.filter((d) => d.ok)).toHaveLength(10);
    expect(decisions[10]).toEqual({
      ok: false,
      retryAfterSeconds: 1,
      reason: 'integration_rate_limit',
    });
    expect(limiter.take('b').ok).toBe(true);
    await clock.advance(1000);
    expect(
      [limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('a')].map((d) => d.ok),
    ).toEqual([true, true, true, false]);
  });

  it('shares a workspace budget across integrations', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter(
      { requestsPerSecond: 10, burst: 4, workspaceRequestsPerSecond: 1 },
      clock.now,
    );
    expect(
      [limiter.take('a'), limiter.take('a'), limiter.take('b'), limiter.take('b')].every(
        (d) => d.ok,
      ),
    ).toBe(true);
    expect(limiter.take('c')).toEqual({
      ok: false,
      retryAfterSeconds: 1,
      reason: 'workspace_rate_limit',
    });
    await clock.advance(1000);
    expect(limiter.take('c').ok).toBe(true);
  });
});
