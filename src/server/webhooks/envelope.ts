// The webhook envelope (notion-api.md §8.3) and the handshake body (§8.1). Only what routing
// and processing need is required; everything else is kept as received in the stored payload.
import { z } from 'zod';

const entity = z.object({ id: z.string().min(1), type: z.string().min(1) });
const parent = z
  .object({
    id: z.string().optional(),
    type: z.string().optional(),
    data_source_id: z.string().optional(),
  })
  .loose();

export const webhookEnvelopeSchema = z
  .object({
    id: z.string().min(1).max(200),
    type: z.string().min(1).max(100),
    timestamp: z.string().min(1),
    workspace_id: z.string().optional(),
    integration_id: z.string().optional(),
    subscription_id: z.string().optional(),
    accessible_by: z
      .array(z.object({ id: z.string(), type: z.string().optional() }).loose())
      .optional(),
    attempt_number: z.number().optional(),
    entity,
    data: z.object({ parent: parent.optional() }).loose().optional(),
  })
  .loose();

export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

/** A handshake is a JSON object whose only key is `verification_token` (a string). */
export function handshakeTokenOf(body: unknown): string | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const keys = Object.keys(body);
  const token = (body as { verification_token?: unknown }).verification_token;
  return keys.length === 1 && typeof token === 'string' && token.length > 0 ? token : null;
}
