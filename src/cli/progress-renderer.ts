import type { PullProgress } from '../sync/index.ts';
import { formatDuration } from './format.ts';

export interface ProgressRenderer {
  update(progress: PullProgress): void;
  /** Ends the live line (TTY) so the summary starts on a fresh line. */
  finish(): void;
}

function describe(p: PullProgress): string {
  const rows = p.counts.fetched;
  const seconds = Math.max(p.elapsedMs / 1000, 0.001);
  const rate = rows / seconds;
  const eta =
    p.phase === 'rows' && p.knownRows > rows && rate > 0
      ? `  ETA ${formatDuration(((p.knownRows - rows) / rate) * 1000)}`
      : '';
  return `${p.source}: ${p.phase}  rows ${rows.toLocaleString('en-US')}  calls ${p.apiCalls}  ${rate.toFixed(1)} rows/s${eta}`;
}

/**
 * Live progress of a pull on stderr: one rewritten line on a TTY (rows, calls, rate, ETA when
 * the previous row count gives one); plain lines otherwise, at most one per `plainEveryMs`.
 */
export function createProgressRenderer(
  stream: { write(text: string): unknown },
  options: { tty: boolean; plainEveryMs?: number },
): ProgressRenderer {
  let lastPlain = Number.NEGATIVE_INFINITY;
  let live = false;
  const every = options.plainEveryMs ?? 5000;
  return {
    update(progress) {
      const line = describe(progress);
      if (options.tty) {
        stream.write(`\r\u001b[2K${line}`);
        live = true;
        return;
      }
      const due = progress.elapsedMs - lastPlain >= every;
      if (progress.phase === 'resolve' || progress.phase === 'done' || due) {
        stream.write(`${line}\n`);
        lastPlain = progress.elapsedMs;
      }
    },
    finish() {
      if (live) stream.write('\n');
      live = false;
    },
  };
}
