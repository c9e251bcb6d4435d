// A long pull allocates steadily and V8 keeps doubling its young generation (16 → 32 → 64 MiB
// and more: +50 MiB of RSS by 100,000 rows) though what survives each collection stays small.
// V8 reads the growth factor each time the young generation would grow, so the launcher can
// stop the growth at run time (its size can only be set at start, on the command line): once
// the young generation has reached 16 MiB — smaller ones promote a batch's short-lived objects
// into the old generation, which then grows instead — the factor becomes 1. Loading the code may
// already have grown it to 32 MiB; it stays there (BENCHMARKS.md, issue 18). Left alone when the
// user sized it (--max-semi-space-size or another semi-space flag on the command line or in
// NODE_OPTIONS).
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

const TARGET_BYTES = 16 * 2 ** 20;

const newSpaceBytes = () =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

/** Stops V8's young generation growing past 16 MiB unless the user sized it; true when armed. */
export function capYoungGeneration() {
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if (/semi[-_]space/.test(flags)) return false;
  const stop = () => {
    if (newSpaceBytes() < TARGET_BYTES) return false;
    setFlagsFromString('--semi-space-growth-factor=1');
    return true;
  };
  if (stop()) return true;
  // Polled until the young generation has reached its size (a timer, not a GC observer: GC
  // entries reach JavaScript late, after it may have doubled again). Unref'd: it never keeps
  // the process alive.
  const timer = setInterval(() => {
    if (stop()) clearInterval(timer);
  }, 10);
  timer.unref();
  return true;
}
