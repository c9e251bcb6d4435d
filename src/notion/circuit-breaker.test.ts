import { describe, expect, it } from 'vitest';
import { NotionSyncError } from '../errors.ts';
import { createManualClock } from '../shared/index.ts';
import { createCircuitBreaker } from './circuit-breaker.ts';

const failure = new NotionSyncError('notion_unavailable', 'HTTP 503');

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as NotionSyncError).code;
  }
}

describe('createCircuitBreaker', () => {
  it('opens after the threshold, half-opens after the cooldown and closes on success', async () => {
    const clock = createManualClock(0);
    const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, clock });
    breaker.recordFailure(failure);
    breaker.recordFailure(failure);
    expect(breaker.state()).toBe('closed');
    breaker.recordFailure(failure);
    expect(breaker.state()).toBe('open');
    expect(codeOf(() => breaker.check())).toBe('notion_unavailable');
    await clock.advance(1000);
    expect(breaker.state()).toBe('half_open');
    breaker.admit();
    // Only one trial at a time.
    expect(codeOf(() => breaker.admit())).toBe('notion_unavailable');
    breaker.recordSuccess();
    expect(breaker.state()).toBe('closed');
    expect(codeOf(() => breaker.admit())).toBeUndefined();
  });

  it('re-opens when the trial fails and carries the last cause', async () => {
    const clock = createManualClock(0);
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 500, clock });
    breaker.recordFailure(failure);
    await clock.advance(500);
    breaker.admit();
    breaker.recordFailure(failure);
    expect(breaker.state()).toBe('open');
    try {
      breaker.check();
      expect.unreachable();
    } catch (error) {
      expect((error as NotionSyncError).cause).toBe(failure);
      expect((error as NotionSyncError).details.consecutiveFailures).toBe(2);
    }
  });

  it('a success resets the count of consecutive failures', () => {
    const clock = createManualClock(0);
    const breaker = createCircuitBreaker({ failureThreshold: 2, cooldownMs: 500, clock });
    breaker.recordFailure(failure);
    breaker.recordSuccess();
    breaker.recordFailure(failure);
    expect(breaker.state()).toBe('closed');
  });
});
