const MINUTE_MS = 60_000;

/** Pages, blocks, data sources and comments: rounded down to the minute, `…:00.000Z`. */
export function formatMinuteTime(ms: number): string {
  return new Date(Math.floor(ms / MINUTE_MS) * MINUTE_MS).toISOString();
}

/** Database containers keep milliseconds and use a `+00:00` offset, as recorded. */
export function formatDatabaseTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}
