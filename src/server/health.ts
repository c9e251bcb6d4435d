// /healthz answers while the process runs; /readyz only while the store answers a query.
import { Hono } from 'hono';
import type { Store } from '../store/index.ts';
import { VERSION } from './version.ts';

export function createHealthRoutes(store: Store): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true, version: VERSION }));
  app.get('/readyz', async (c) => {
    try {
      await store.runs.list({ limit: 1 });
      return c.json({ ok: true, store: store.dialect });
    } catch {
      return c.json({ error: { code: 'store_error', message: 'The store does not answer.' } }, 503);
    }
  });
  return app;
}
