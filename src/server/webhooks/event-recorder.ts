// Group commit for received events: requests that arrive while a commit is in progress wait
// and are stored together in the next one, so concurrent deliveries share one transaction (one
// fsync) instead of queueing one commit each. Every caller still resolves only after ITS event
// is durably stored — the 2xx is never sent before that.
import type { RecordWebhookEventInput, Store } from '../../store/index.ts';

interface Waiting {
  input: RecordWebhookEventInput;
  resolve: (result: { inserted: boolean }) => void;
  reject: (error: unknown) => void;
}

export type EventRecorder = (input: RecordWebhookEventInput) => Promise<{ inserted: boolean }>;

export function createEventRecorder(store: Store, maxBatch = 256): EventRecorder {
  let queue: Waiting[] = [];
  let committing = false;

  async function commit(): Promise<void> {
    committing = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await store.webhookEvents.recordMany(batch.map((w) => w.input));
        for (const [i, w] of batch.entries()) w.resolve(results[i]!);
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    committing = false;
  }

  return (input) =>
    new Promise((resolve, reject) => {
      queue.push({ input, resolve, reject });
      if (!committing) void commit();
    });
}
