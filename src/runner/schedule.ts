// A source's schedule: an interval (`15m`, anchored at the previous slot) or a cron expression
// (croner; a leading sixth field gives seconds) in a time zone, plus a jitter. Parsed once when
// `serve` starts; the config already refused bad expressions with their key path at load.
import { Cron } from 'croner';
import type { Config, SourceConfig } from '../config/index.ts';
import { NotionSyncError } from '../errors.ts';
import { parseDuration } from '../shared/index.ts';

export interface Schedule {
  /** The text it was written as, for status. */
  readonly text: string;
  readonly timezone: string;
  readonly jitterMs: number;
  /** The first slot strictly after `afterMs` (epoch ms); null when the expression has no more. */
  nextSlot(afterMs: number): number | null;
}

export function parseSchedule(text: string, timezone = 'UTC', jitter?: string): Schedule {
  const jitterMs = jitter ? (parseDuration(jitter) ?? 0) : 0;
  const intervalMs = parseDuration(text);
  if (intervalMs !== undefined && intervalMs > 0)
    return { text, timezone, jitterMs, nextSlot: (afterMs) => afterMs + intervalMs };
  let cron: Cron;
  try {
    cron = new Cron(text, { paused: true, timezone });
  } catch (cause) {
    throw new NotionSyncError(
      'config_invalid',
      `"${text}" is not a schedule: use an interval like 15m or a cron expression.`,
      {
        details: { schedule: text },
        cause,
      },
    );
  }
  return {
    text,
    timezone,
    jitterMs,
    nextSlot: (afterMs) => cron.nextRun(new Date(afterMs))?.getTime() ?? null,
  };
}

/** The schedule a source runs on (its own, else the top-level default); null when none. */
export function scheduleOf(
  source: SourceConfig,
  defaults: Pick<Config, 'schedule' | 'timezone' | 'jitter'>,
): Schedule | null {
  const text = source.schedule ?? defaults.schedule;
  if (!text) return null;
  return parseSchedule(
    text,
    source.timezone ?? defaults.timezone ?? 'UTC',
    source.jitter ?? defaults.jitter,
  );
}
