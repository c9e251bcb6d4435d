/** Time source; tests inject a manual clock instead of sleeping. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** A clock that only moves when told to; `sleep` resolves once `advance` passes its deadline. */
export interface ManualClock extends Clock {
  advance(ms: number): Promise<void>;
  set(epochMs: number): void;
}

export function createManualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let current = startMs;
  let sleepers: { until: number; resolve: () => void }[] = [];
  const wake = () => {
    const due = sleepers.filter((s) => s.until <= current);
    sleepers = sleepers.filter((s) => s.until > current);
    for (const s of due) s.resolve();
  };
  return {
    now: () => current,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        sleepers.push({ until: current + Math.max(0, ms), resolve });
        wake();
      }),
    async advance(ms) {
      const target = current + ms;
      // Step through deadlines so a sleeper woken early can schedule the next one.
      for (;;) {
        const next = sleepers.map((s) => s.until).filter((t) => t <= target);
        if (next.length === 0) break;
        current = Math.max(current, Math.min(...next));
        wake();
        await new Promise((resolve) => setImmediate(resolve));
      }
      current = target;
      wake();
      await new Promise((resolve) => setImmediate(resolve));
    },
    set(epochMs) {
      current = epochMs;
      wake();
    },
  };
}
