import { bodyValidationError } from '../errors.ts';
import type { Comparable, DateValue } from './filter-values.ts';

export interface DatePredicateContext {
  /** Emulator clock, for relative values (`today`, `past_week`, …). */
  nowMs: number;
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** A filter date as [start, end) in ms: a whole UTC day for date-only values, else an instant. */
function resolveFilterDate(arg: unknown, path: string, nowMs: number): [number, number, boolean] {
  const today = startOfDay(nowMs);
  const relative: Record<string, number> = {
    today,
    tomorrow: today + DAY_MS,
    yesterday: today - DAY_MS,
    one_week_ago: today - 7 * DAY_MS,
    one_week_from_now: today + 7 * DAY_MS,
    one_month_ago: today - 30 * DAY_MS,
    one_month_from_now: today + 30 * DAY_MS,
  };
  if (typeof arg === 'string' && arg in relative) {
    const day = relative[arg] ?? today;
    return [day, day + DAY_MS, true];
  }
  if (typeof arg !== 'string' || Number.isNaN(Date.parse(arg))) {
    throw bodyValidationError(
      path,
      `should be a valid ISO 8601 date or a relative date, instead was \`${JSON.stringify(arg)}\``,
    );
  }
  if (DATE_ONLY.test(arg)) {
    const day = Date.parse(`${arg}T00:00:00Z`);
    return [day, day + DAY_MS, true];
  }
  const ms = Date.parse(arg);
  return [ms, ms, false];
}

const WINDOWS: Record<string, (now: number) => [number, number]> = {
  past_week: (now) => [now - 7 * DAY_MS, now],
  past_month: (now) => [now - 30 * DAY_MS, now],
  past_year: (now) => [now - 365 * DAY_MS, now],
  next_week: (now) => [now, now + 7 * DAY_MS],
  next_month: (now) => [now, now + 30 * DAY_MS],
  next_year: (now) => [now, now + 365 * DAY_MS],
  this_week: (now) => {
    const day = startOfDay(now);
    const weekday = new Date(day).getUTCDay();
    return [day - weekday * DAY_MS, day + (7 - weekday) * DAY_MS];
  },
};

/** Date operators of §4.2 over a `date` comparable (its start). */
export function compileDateCondition(
  op: string,
  arg: unknown,
  path: string,
  ctx: DatePredicateContext,
): (c: Comparable) => boolean {
  const startOf = (c: Comparable): number | undefined => (c.value as DateValue | null)?.startMs;
  if (op === 'is_empty' || op === 'is_not_empty')
    return (c) => (startOf(c) === undefined) === (op === 'is_empty');
  const window = WINDOWS[op];
  if (window) {
    const [from, to] = window(ctx.nowMs);
    return (c) => {
      const ms = startOf(c);
      return ms !== undefined && ms >= from && ms <= to;
    };
  }
  const [from, to, wholeDay] = resolveFilterDate(arg, `${path}.${op}`, ctx.nowMs);
  const tests: Record<string, (ms: number) => boolean> = {
    equals: (ms) => (wholeDay ? ms >= from && ms < to : ms === from),
    before: (ms) => ms < from,
    after: (ms) => (wholeDay ? ms >= to : ms > from),
    on_or_before: (ms) => (wholeDay ? ms < to : ms <= from),
    on_or_after: (ms) => ms >= from,
  };
  const test = tests[op];
  if (!test)
    throw bodyValidationError(`${path}.${op}`, 'should be not present (unknown date operator)');
  return (c) => {
    const ms = startOf(c);
    return ms !== undefined && test(ms);
  };
}
