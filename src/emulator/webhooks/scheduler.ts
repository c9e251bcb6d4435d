import type { Clock } from '../../shared/index.ts';

/** Runs callbacks later on the emulator's clock (tests move it; nothing waits real time). */
export interface Scheduler {
  after(ms: number, run: () => void): void;
}

/**
 * On the real clock a timer must not keep a process alive (a receiver that is gone would hold
 * a script open for hours of retries); on an injected clock `sleep` resolves when it is advanced.
 */
export function createScheduler(clock: Clock, realTime: boolean): Scheduler {
  return {
    after(ms, run) {
      if (realTime) setTimeout(run, Math.max(0, ms)).unref();
      else void clock.sleep(ms).then(run);
    },
  };
}
