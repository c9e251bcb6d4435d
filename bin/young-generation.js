// A long pull allocates steadily and V8 keeps doubling its young generation (16 → 32 → 64 MiB
// and more: +50 MiB of RSS by 100,000 rows) though what survives each collection stays small.
// Its size can only be set when the process starts (--max-semi-space-size, which a bin script
// cannot pass portably), but V8 reads --semi-space-growth-factor each time it would grow it.
// So once a command has run for a quarter of a second (short ones never pay for this), the
// launcher runs one memory-reducing full collection — it drops what loading the code left
// behind and shrinks the young generation, which loading grows to 32 MiB — and stops the growth
// when the young generation is back at 16 MiB: smaller ones promote a batch's short-lived
// objects into the old generation, which then grows instead (BENCHMARKS.md, issue 18). Left
// alone when the user sized it (--max-semi-space-size or another semi-space flag on the command
// line or in NODE_OPTIONS).
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const TARGET_BYTES = 16 * 2 ** 20;

const newSpaceBytes = () =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

/** One memory-reducing full collection (what V8 runs when the system is low on memory). */
function collectAndShrink() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  setFlagsFromString('--no-expose-gc');
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/**
 * After `afterMs`, shrinks the heap once and stops V8's young generation growing past 16 MiB,
 * unless the user sized it; true when armed. The timers never keep the process alive.
 */
export function capYoungGeneration(afterMs = 250) {
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if (/semi[-_]space/.test(flags)) return false;
  const start = setTimeout(() => {
    collectAndShrink();
    // Polled (a GC observer hears of a collection late, after the next may have doubled it).
    const poll = setInterval(() => {
      if (newSpaceBytes() < TARGET_BYTES) return;
      setFlagsFromString('--semi-space-growth-factor=1');
      clearInterval(poll);
    }, 10);
    poll.unref();
  }, afterMs);
  start.unref();
  return true;
}
