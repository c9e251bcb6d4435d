import { randomBytes } from 'node:crypto';
import { ControlError } from '../control/control-guard.ts';
import { newId } from '../ids.ts';
import {
  NOTION_VERSIONS,
  type NotionVersion,
  type WebhookFaults,
  type WebhookSubscriptionRecord,
} from '../state.ts';
import type { Workspace } from '../workspace.ts';
import { WEBHOOK_EVENT_TYPES } from './events.ts';

export interface SubscribeInput {
  url: string;
  /** Omitted: every event type. */
  eventTypes?: readonly string[];
  /** Omitted: the default integration. For a public integration, its client id. */
  integrationId?: string;
  /** `api_version` of the payloads (default 2026-03-11). */
  apiVersion?: NotionVersion;
  faults?: WebhookFaults;
}

/** A verification token like Notion's: `secret_` and 43 base62-ish characters. */
function newVerificationToken(): string {
  return `secret_${randomBytes(33).toString('base64url').replace(/[-_]/g, 'x').slice(0, 43)}`;
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ControlError(400, 'invalid_request', `"url" is not an absolute URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ControlError(400, 'invalid_request', '"url" must be an http:// or https:// URL.');
  if (parsed.username || parsed.password)
    throw new ControlError(400, 'invalid_request', '"url" must not carry credentials.');
  return parsed.toString();
}

function checkEventTypes(types: readonly string[] | undefined): string[] | null {
  if (types === undefined) return null;
  const known: readonly string[] = WEBHOOK_EVENT_TYPES;
  const unknown = types.filter((type) => !known.includes(type));
  if (!Array.isArray(types) || types.length === 0 || unknown.length > 0)
    throw new ControlError(
      400,
      'invalid_request',
      `"eventTypes" must be a non-empty list of ${WEBHOOK_EVENT_TYPES.join(', ')}${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}.`,
    );
  return [...types];
}

/** Checks the fault options (probabilities in 0–1, delay ≥ 0, reorder batch ≥ 2). */
export function checkFaults(faults: unknown): WebhookFaults {
  if (faults === undefined || faults === null) return {};
  if (typeof faults !== 'object' || Array.isArray(faults))
    throw new ControlError(400, 'invalid_request', '"faults" must be an object.');
  const f = faults as Record<string, unknown>;
  const out: WebhookFaults = {};
  for (const key of ['duplicate', 'drop'] as const) {
    const v = f[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || v < 0 || v > 1)
      throw new ControlError(400, 'invalid_request', `"faults.${key}" must be a number in 0–1.`);
    out[key] = v;
  }
  if (f.delayMs !== undefined) {
    if (typeof f.delayMs !== 'number' || f.delayMs < 0)
      throw new ControlError(400, 'invalid_request', '"faults.delayMs" must be a number ≥ 0.');
    out.delayMs = f.delayMs;
  }
  if (f.reorder !== undefined) {
    if (!Number.isInteger(f.reorder) || (f.reorder as number) < 2)
      throw new ControlError(400, 'invalid_request', '"faults.reorder" must be an integer ≥ 2.');
    out.reorder = f.reorder as number;
  }
  return out;
}

/** Adds an unverified subscription to the workspace state. */
export function addSubscription(ws: Workspace, input: SubscribeInput): WebhookSubscriptionRecord {
  const integrationId = input.integrationId ?? ws.state.defaultIntegrationId;
  const integration = ws.state.integrations[integrationId];
  if (!integration || integration.installationOf !== undefined)
    throw new ControlError(
      404,
      'integration_not_found',
      `No integration ${integrationId}; give the id of an integration (a public integration's client id).`,
    );
  const existing = Object.values(ws.state.webhookSubscriptions ?? {}).find(
    (sub) => sub.integrationId === integrationId,
  );
  if (existing)
    throw new ControlError(
      409,
      'subscription_exists',
      `Integration ${integrationId} already has webhook subscription ${existing.id} (one per integration, as in Notion); delete it first.`,
    );
  const apiVersion = input.apiVersion ?? '2026-03-11';
  if (!NOTION_VERSIONS.includes(apiVersion))
    throw new ControlError(
      400,
      'invalid_request',
      `"apiVersion" must be ${NOTION_VERSIONS.join(' or ')}.`,
    );
  const record: WebhookSubscriptionRecord = {
    id: newId(),
    integrationId,
    url: checkUrl(input.url),
    eventTypes: checkEventTypes(input.eventTypes),
    verificationToken: newVerificationToken(),
    verified: false,
    apiVersion,
    createdTime: ws.now(),
    faults: checkFaults(input.faults),
  };
  ws.state.webhookSubscriptions ??= {};
  ws.state.webhookSubscriptions[record.id] = record;
  return record;
}

/** A subscription as the control API shows it (never its verification token). */
export interface WebhookSubscription {
  id: string;
  integrationId: string;
  url: string;
  eventTypes: string[];
  verified: boolean;
  apiVersion: NotionVersion;
  createdTime: string;
  faults: WebhookFaults;
}

export function describeSubscription(sub: WebhookSubscriptionRecord): WebhookSubscription {
  return {
    id: sub.id,
    integrationId: sub.integrationId,
    url: sub.url,
    eventTypes: sub.eventTypes ?? [...WEBHOOK_EVENT_TYPES],
    verified: sub.verified,
    apiVersion: sub.apiVersion,
    createdTime: new Date(sub.createdTime).toISOString(),
    faults: sub.faults,
  };
}

export function findSubscription(ws: Workspace, id: string): WebhookSubscriptionRecord {
  const sub = ws.state.webhookSubscriptions?.[id];
  if (!sub) throw new ControlError(404, 'subscription_not_found', `No webhook subscription ${id}.`);
  return sub;
}
