// Surface of src/server/ for other folders (DESIGN.md §3).
export { isLoopbackHost, tokensEqual } from './api/auth.ts';
export { createServerApp, type ServerAppOptions } from './app.ts';
export { createServerMetrics, type ServerMetrics } from './metrics.ts';
export {
  assertSafeExposure,
  createServeService,
  type ServeOptions,
  type ServeService,
} from './serve.ts';
export { connectionForUrl, DEFAULT_CONNECTION } from './webhooks/connections.ts';
export { signWebhookBody, verifyWebhookSignature } from './webhooks/signature.ts';
export {
  createWorkerService,
  type WorkerService,
  type WorkerServiceOptions,
} from './worker/worker-service.ts';
