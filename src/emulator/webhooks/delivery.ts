import { createHmac } from 'node:crypto';

/** One attempt to deliver something to a subscription URL, as the delivery log shows it. */
export interface DeliveryLogEntry {
  /** Null for the verification handshake. */
  eventId: string | null;
  subscriptionId: string;
  /** An event type, or `verification` for the handshake. */
  type: string;
  attempt: number;
  /** HTTP status of the receiver's answer; 0 when it refused, timed out or was never asked. */
  status: number;
  outcome: 'delivered' | 'retrying' | 'gave_up' | 'dropped' | 'sent';
  latencyMs: number;
  /** ISO time on the emulator's clock. */
  time: string;
  /** Why the attempt failed (connection error, timeout); never the receiver's body. */
  error?: string;
}

/** The delivery log keeps the newest entries only. */
export const MAX_DELIVERY_LOG_ENTRIES = 10_000;

/** `sha256=<hex HMAC-SHA256 of the raw body, keyed with the verification token>` (§8.2). */
export function signBody(body: string, verificationToken: string): string {
  return `sha256=${createHmac('sha256', verificationToken).update(body).digest('hex')}`;
}

export interface PostResult {
  status: number;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/** POSTs a JSON body; never throws (a refused or timed-out receiver is a result). */
export async function postJson(
  fetchImpl: typeof fetch,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostResult> {
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 100) / 100;
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'notion-api', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return { status: response.status, ok, latencyMs: latency() };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const reason = timedOut
      ? `no answer within ${timeoutMs} ms`
      : error instanceof Error && error.cause instanceof Error
        ? error.cause.message
        : String(error);
    return { status: 0, ok: false, latencyMs: latency(), error: reason };
  }
}
