// Waiting on the injected clock that a stop can cut short. The system clock gets a real timer
// that is cleared on abort (so a stopped service leaves no timer keeping the process alive).
import { setTimeout as delay } from 'node:timers/promises';
import { type Clock, systemClock } from '../shared/index.ts';

/** Resolves `true` after `ms` on `clock`, or `false` as soon as `signal` aborts. */
export async function sleepOn(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (clock === systemClock) {
    try {
      await delay(Math.max(0, ms), undefined, { signal });
      return true;
    } catch {
      return false;
    }
  }
  return new Promise<boolean>((resolve) => {
    const onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    void clock.sleep(ms).then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(!signal.aborted);
    });
  });
}
