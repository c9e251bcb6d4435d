// Surface of src/emulator/ for other folders and for `notion-sync/emulator` (DESIGN.md §3, §7).

export { type Clock, createManualClock, type ManualClock } from '../shared/index.ts';
export type { RequestLogEntry } from './app.ts';
export type { ActAsUserInput, ActAsUserResult } from './control/act-as-user.ts';
export type { EmulatorClockControl, EmulatorControl, EmulatorSnapshot } from './control/control.ts';
export { createEmulator, type Emulator, type EmulatorOptions } from './emulator.ts';
export type { FaultRule } from './faults.ts';
export type { DownloadFault, FileDownloadEntry } from './file-host.ts';
export { CODE_LIFETIME_MS, type OAuthOptions } from './oauth/grants.ts';
export type { EmulatorOAuth, OAuthClient, OAuthClientInput } from './oauth/oauth.ts';
export type { RateLimitOptions } from './rate-limiter.ts';
export { type DemoWorkspace, seedDemoWorkspace } from './seed/seed-demo.ts';
export type { RunningServer } from './server.ts';
export type { NotionVersion, WebhookFaults, WorkspaceState } from './state.ts';
export type { DeliveryLogEntry } from './webhooks/delivery.ts';
export {
  DEFAULT_AGGREGATE_MS,
  MAX_DELIVERY_ATTEMPTS,
  RETRY_DELAYS_MS,
} from './webhooks/dispatcher.ts';
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhooks/events.ts';
export type { SubscribeInput, WebhookSubscription } from './webhooks/subscriptions.ts';
export type { EmulatorWebhooks } from './webhooks/webhooks.ts';
