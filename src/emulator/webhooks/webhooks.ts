import { ControlError } from '../control/control-guard.ts';
import type { WebhookFaults } from '../state.ts';
import type { DeliveryLogEntry } from './delivery.ts';
import { postJson } from './delivery.ts';
import { detectEvents } from './detect-changes.ts';
import { createDispatcher, type DispatcherOptions } from './dispatcher.ts';
import type { EventAuthor } from './events.ts';
import { recordChanges } from './record-changes.ts';
import {
  addSubscription,
  checkFaults,
  describeSubscription,
  findSubscription,
  type SubscribeInput,
  type WebhookSubscription,
} from './subscriptions.ts';

/** Webhook subscriptions and deliveries (also served under `/__emulator/webhooks`). */
export interface EmulatorWebhooks {
  /** Creates a subscription and POSTs the unsigned `{verification_token}` handshake to its URL. */
  subscribe(input: SubscribeInput): WebhookSubscription & { verificationToken: string };
  list(): WebhookSubscription[];
  remove(id: string): boolean;
  /** The human's "Verify" click; with `verificationToken`, it must be the one sent. */
  verify(id: string, verificationToken?: string): WebhookSubscription;
  setFaults(id: string, faults: WebhookFaults): WebhookSubscription;
  deliveries(): DeliveryLogEntry[];
  clearDeliveries(): void;
  /** Sends events waiting for their aggregation window (or a reorder batch) now. */
  flush(): void;
  /** Resolves once no delivery is on the wire. */
  idle(): Promise<void>;
}

export function createWebhooks(options: DispatcherOptions) {
  const { ws } = options;
  const dispatcher = createDispatcher(options);

  const handshake = (subId: string, url: string, token: string) => {
    const body = JSON.stringify({ verification_token: token });
    void dispatcher.track(
      postJson(options.fetch, url, body, {}, options.timeoutMs).then((result) =>
        dispatcher.record({
          eventId: null,
          subscriptionId: subId,
          type: 'verification',
          attempt: 1,
          status: result.status,
          outcome: result.ok ? 'delivered' : 'gave_up',
          latencyMs: result.latencyMs,
          ...(result.error ? { error: result.error } : {}),
        }),
      ),
    );
  };

  const control: EmulatorWebhooks = {
    subscribe(input) {
      const sub = addSubscription(ws, input);
      ws.touch();
      handshake(sub.id, sub.url, sub.verificationToken);
      return { ...describeSubscription(sub), verificationToken: sub.verificationToken };
    },
    list: () => Object.values(ws.state.webhookSubscriptions ?? {}).map(describeSubscription),
    remove(id) {
      const subs = ws.state.webhookSubscriptions ?? {};
      if (!subs[id]) return false;
      delete subs[id];
      ws.touch();
      return true;
    },
    verify(id, verificationToken) {
      const sub = findSubscription(ws, id);
      if (verificationToken !== undefined && verificationToken !== sub.verificationToken)
        throw new ControlError(
          400,
          'verification_token_mismatch',
          'That is not the verification token sent to this subscription; paste the one its URL received.',
        );
      sub.verified = true;
      ws.touch();
      return describeSubscription(sub);
    },
    setFaults(id, faults) {
      const sub = findSubscription(ws, id);
      sub.faults = checkFaults(faults);
      return describeSubscription(sub);
    },
    deliveries: () => dispatcher.log.map((entry) => ({ ...entry })),
    clearDeliveries() {
      dispatcher.log.length = 0;
    },
    flush: () => dispatcher.flush(),
    idle: () => dispatcher.idle(),
  };

  /** Runs one write; while someone listens, publishes the events it caused. */
  function observe<T>(author: EventAuthor, write: () => T): T {
    if (!dispatcher.listening()) return write();
    return recordChanges(ws, write, (captured) =>
      dispatcher.publish(detectEvents(ws, captured, author)),
    );
  }

  return { control, observe, clear: () => dispatcher.clear() };
}

export type WebhookService = ReturnType<typeof createWebhooks>;
