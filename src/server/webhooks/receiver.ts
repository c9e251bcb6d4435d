// The webhook receiver: POST /webhooks/notion and /webhooks/notion/<connection>. Invariants:
// - nothing is stored and nothing reaches Notion unless the signature over the RAW body bytes
//   verifies with the connection's accepted key (constant-time compare); a handshake only ever
//   stores a *pending* token, which an operator must accept before it becomes the key;
// - an accepted event is persisted (deduplicated by event id) BEFORE the 2xx answer, and the
//   answer never waits for Notion: processing happens afterwards, from the store.
import { Hono } from 'hono';
import { NotionSyncError } from '../../errors.ts';
import type { Logger } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import type { ServerMetrics, WebhookRejection } from '../metrics.ts';
import { connectionForUrl, type WebhookConnection } from './connections.ts';
import { handshakeTokenOf, webhookEnvelopeSchema } from './envelope.ts';
import { createEventRecorder } from './event-recorder.ts';
import { readLimitedBody } from './read-body.ts';
import { verifyWebhookSignature } from './signature.ts';

export interface WebhookReceiverOptions {
  store: Store;
  metrics: ServerMetrics;
  logger: Logger;
  /** The URLs it answers (webhookUrlsOf): resolved without I/O. */
  connections: () => readonly WebhookConnection[];
  /** The HMAC key of a connection: the accepted token (or NOTION_WEBHOOK_VERIFICATION_TOKEN). */
  keyFor: (connection: string) => Promise<string | null>;
  maxBodyBytes: number;
  /** Called after an event was persisted (wakes the processor). */
  onAccepted?: () => void;
}

const REJECTIONS: Record<string, WebhookRejection> = {
  webhook_body_too_large: 'too_large',
  connection_not_found: 'unknown_connection',
};

function reject(
  metrics: ServerMetrics,
  reason: WebhookRejection,
  code: NotionSyncError['code'],
  message: string,
): never {
  metrics.webhookRejected(reason);
  throw new NotionSyncError(code, message);
}

function parseJson(bytes: Uint8Array, metrics: ServerMetrics): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return reject(metrics, 'not_json', 'webhook_body_invalid', 'The webhook body is not JSON.');
  }
}

export function createWebhookReceiver(options: WebhookReceiverOptions): Hono {
  const { store, metrics, logger } = options;
  const recordEvent = createEventRecorder(store);
  const app = new Hono();

  async function handle(request: Request, urlName: string | undefined) {
    let connection: WebhookConnection;
    let bytes: Uint8Array;
    try {
      connection = connectionForUrl(urlName, options.connections());
      bytes = await readLimitedBody(request, options.maxBodyBytes);
    } catch (error) {
      const reason = error instanceof NotionSyncError ? REJECTIONS[error.code] : undefined;
      if (reason) metrics.webhookRejected(reason);
      throw error;
    }
    const body = parseJson(bytes, metrics);
    const handshake = handshakeTokenOf(body);
    if (handshake !== null) {
      metrics.webhookHandshake();
      await store.webhookTokens.setPending(connection.name, handshake);
      const which = connection.name === 'default' ? '' : ` ${connection.name}`;
      logger.warn(
        { connection: connection.name },
        `webhook verification token received: run \`notion-sync webhooks token${which}\` to see it, paste it into the subscription's Verify dialog in Notion, then run \`notion-sync webhooks token${which} --accept\``,
      );
      return { ok: true, handshake: true };
    }
    const key = await options.keyFor(connection.name);
    if (key === null)
      reject(
        metrics,
        'unverified',
        'webhook_unverified',
        `Connection "${connection.name}" has no accepted webhook verification token yet; events are refused until \`notion-sync webhooks token --accept\`.`,
      );
    const signature = request.headers.get('x-notion-signature') ?? undefined;
    if (signature === undefined)
      reject(metrics, 'unsigned', 'webhook_signature_invalid', 'X-Notion-Signature is missing.');
    if (!verifyWebhookSignature(bytes, signature, key))
      reject(
        metrics,
        'bad_signature',
        'webhook_signature_invalid',
        'X-Notion-Signature does not match the body.',
      );
    const parsed = webhookEnvelopeSchema.safeParse(body);
    if (!parsed.success)
      reject(
        metrics,
        'bad_envelope',
        'webhook_body_invalid',
        'The webhook body is not a Notion event (id, type, timestamp and entity are required).',
      );
    const event = parsed.data;
    const { inserted } = await recordEvent({
      eventId: event.id,
      type: event.type,
      entityId: event.entity.id,
      payload: body as never,
      connection: connection.name,
    });
    if (inserted) {
      metrics.webhookReceived(connection.name);
      options.onAccepted?.();
    } else metrics.webhookDeduped();
    return { ok: true, duplicate: !inserted };
  }

  app.post('/', async (c) => c.json(await handle(c.req.raw, undefined)));
  app.post('/:connection', async (c) => c.json(await handle(c.req.raw, c.req.param('connection'))));
  return app;
}
