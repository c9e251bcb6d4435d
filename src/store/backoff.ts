// Retry spacing of outbox items: deterministic (no jitter), so tests and `status` can say when
// an item is next tried.
/** Exponential backoff of outbox retries: 2s, 4s, 8s, … capped at `maxMs` (10 min by default). */
export function computeBackoffMs(attempts: number, baseMs = 2_000, maxMs = 600_000): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(maxMs, baseMs * 2 ** Math.min(exponent, 30));
}
