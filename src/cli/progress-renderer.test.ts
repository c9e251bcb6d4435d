import { describe, expect, it } from 'vitest';
import type { PullProgress } from '../sync/index.ts';
import { createProgressRenderer } from './progress-renderer.ts';

const progress = (
  phase: PullProgress['phase'],
  fetched: number,
  elapsedMs: number,
): PullProgress => ({
  source: 'tasks',
  phase,
  counts: { fetched, created: fetched, updated: 0, unchanged: 0, deleted: 0, restored: 0 },
  apiCalls: Math.ceil(fetched / 100),
  knownRows: 1000,
  elapsedMs,
});

describe('pull progress', () => {
  it('rewrites one line on a TTY with rows, calls, rate and ETA', () => {
    let out = '';
    const renderer = createProgressRenderer({ write: (t: string) => (out += t) }, { tty: true });
    renderer.update(progress('rows', 250, 1000));
    renderer.update(progress('rows', 500, 2000));
    renderer.finish();
    expect(out.split('\r')).toHaveLength(3);
    expect(out).toContain('rows 500  calls 5  250.0 rows/s  ETA 2.0s');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('prints plain lines, at most one per interval, when not a TTY', () => {
    let out = '';
    const renderer = createProgressRenderer(
      { write: (t: string) => (out += t) },
      { tty: false, plainEveryMs: 5000 },
    );
    renderer.update(progress('resolve', 0, 0));
    for (let ms = 100; ms <= 9000; ms += 100) renderer.update(progress('rows', ms / 10, ms));
    renderer.update(progress('done', 900, 9000));
    expect(out).not.toContain('\r');
    expect(out.trim().split('\n')).toHaveLength(3);
  });
});
