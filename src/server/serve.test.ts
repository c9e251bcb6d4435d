// Invariants of the `serve` service: /metrics is valid Prometheus text whose counters move with
// the work; /healthz answers while the process runs and /readyz only while the store does; it
// refuses to expose an unprotected API beyond loopback; stop() stops accepting, lets a running
// run finish within the bounded time, and reports what it had to abandon.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createEmulator, createManualClock } from '../emulator/index.ts';
import { createDataSource } from '../emulator/test-support.ts';
import { isNotionSyncError } from '../errors.ts';
import { executeJob, type Job, type JobContext } from '../runner/index.ts';
import { storeFactories } from '../store/test-support/store-factories.ts';
import type { Engine } from '../sync/index.ts';
import {
  type ConfigOverrides,
  createServeHarness,
  notionEvent,
} from './test-support/serve-harness.ts';

interface ParsedFamily {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string; count?: string }[];
}
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => ParsedFamily[];
const [sqlite] = storeFactories();

async function setup(config: ConfigOverrides = {}) {
  const clock = createManualClock(Date.UTC(2026, 4, 4, 10, 0, 0));
  const emu = await createEmulator({ clock });
  const dsId = await createDataSource(emu.client(), emu.rootPageId, {
    Name: { title: {} },
    Count: { number: {} },
  });
  const [pageId] = emu.control.bulkCreatePages(dsId, [
    { Name: { title: [{ text: { content: 'a' } }] } },
  ]);
  const gate = { hold: false, release: () => {} };
  const execute = async (engine: Engine, job: Job, context: JobContext) => {
    const outcome = await executeJob(engine, job, context);
    if (gate.hold) await new Promise<void>((resolve) => (gate.release = resolve));
    return outcome;
  };
  const h = await createServeHarness(sqlite!, emu, [{ name: 'tasks', dataSource: dsId }], clock, {
    config,
    execute,
  });
  return { clock, emu, dsId, pageId: pageId!, h, gate };
}

function metricValue(
  families: ParsedFamily[],
  name: string,
  labels: Record<string, string> = {},
): number {
  const family = families.find((f) => f.name === name);
  const metric = family?.metrics.find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
  return Number(metric?.value ?? metric?.count ?? 0);
}

describe('serve', () => {
  it('exposes Prometheus metrics that parse and move with the work', async () => {
    const { emu, pageId, h, clock } = await setup();
    const scrape = async () => {
      const response = await h.service.app.request('/metrics');
      expect(response.headers.get('content-type')).toContain('text/plain');
      return parsePrometheus(await response.text());
    };
    const before = await scrape();
    expect(before.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'notion_sync_notion_requests_total',
        'notion_sync_runs_total',
        'notion_sync_outbox_depth',
        'notion_sync_open_conflicts',
        'notion_sync_webhook_event_lag_seconds',
      ]),
    );
    const { runId } = await h.service.runner.start({
      kind: 'pull',
      source: 'tasks',
      trigger: 'api',
    });
    expect(runId).toBeGreaterThan(0);
    while (h.service.runner.isBusy('tasks')) await new Promise((r) => setTimeout(r, 5));
    emu.control.editAsUser(pageId, { Count: { number: 7 } });
    await h.deliver(
      JSON.stringify(
        notionEvent({
          type: 'page.properties_updated',
          entityId: pageId,
          timestamp: new Date(clock.now()).toISOString(),
        }),
      ),
    );
    await h.deliver('{"forged":true}', { signature: 'sha256=00' });
    await h.service.processor.drain();
    const after = await scrape();
    const query = 'POST /v1/data_sources/{id}/query';
    expect(
      metricValue(after, 'notion_sync_notion_requests_total', { endpoint: query, status: '200' }),
    ).toBeGreaterThan(
      metricValue(before, 'notion_sync_notion_requests_total', { endpoint: query, status: '200' }),
    );
    expect(metricValue(after, 'notion_sync_runs_total', { kind: 'pull', status: 'ok' })).toBe(1);
    expect(metricValue(after, 'notion_sync_runs_total', { kind: 'refresh', status: 'ok' })).toBe(1);
    expect(metricValue(after, 'notion_sync_rows_total', { change: 'created' })).toBe(1);
    expect(metricValue(after, 'notion_sync_rows_total', { change: 'updated' })).toBe(1);
    expect(
      metricValue(after, 'notion_sync_webhook_events_received_total', { connection: 'default' }),
    ).toBe(1);
    expect(
      metricValue(after, 'notion_sync_webhook_requests_rejected_total', {
        reason: 'bad_signature',
      }),
    ).toBe(1);
    expect(
      metricValue(after, 'notion_sync_webhook_events_processed_total', { outcome: 'processed' }),
    ).toBe(1);
    expect(metricValue(after, 'notion_sync_webhook_event_lag_seconds')).toBe(1);
  });

  it('answers /healthz always and /readyz only while the store answers', async () => {
    const { h } = await setup();
    expect((await h.service.app.request('/healthz')).status).toBe(200);
    expect((await h.service.app.request('/readyz')).status).toBe(200);
    await h.testStore.store.close();
    expect((await h.service.app.request('/healthz')).status).toBe(200);
    const ready = await h.service.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { code: 'store_error' } });
  });

  it('refuses to serve beyond loopback without an API token', async () => {
    const { h } = await setup({ server: { host: '0.0.0.0' } });
    const error = await h.service.run().catch((e: unknown) => e);
    expect(isNotionSyncError(error) && error.code).toBe('api_token_required');
  });

  it('stops accepting, lets the running run finish or checkpoint, then exits', async () => {
    const { h, gate } = await setup({ server: { host: '0.0.0.0', apiToken: 'x'.repeat(32) } });
    const { port } = await h.service.run();
    const local = `http://127.0.0.1:${port}`;
    expect((await fetch(`${local}/healthz`)).status).toBe(200);
    gate.hold = true;
    const { runId } = await h.service.runner.start({
      kind: 'pull',
      source: 'tasks',
      trigger: 'api',
    });
    let stopped = false;
    const stopping = h.service.stop().then((result) => {
      stopped = true;
      return result;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    await expect(fetch(`${local}/healthz`)).rejects.toThrow();
    gate.release();
    expect(await stopping).toEqual({ abandonedJobs: 0 });
    // The runner aborts running jobs on stop: the pull ends at its next batch boundary, so the
    // run is finished or interrupted — never left running — and what it committed is kept.
    const run = await h.testStore.store.runs.get(runId!);
    expect(['ok', 'interrupted']).toContain(run?.status);
    const source = await h.testStore.store.sources.getByName('tasks');
    expect(await h.testStore.store.records.count(source!.id)).toMatchObject({ live: 1 });
  });

  it('gives up waiting after server.shutdownTimeoutMs', async () => {
    const { h, gate, clock } = await setup({ server: { shutdownTimeoutMs: 5000 } });
    await h.service.run();
    gate.hold = true;
    await h.service.runner.start({ kind: 'pull', source: 'tasks', trigger: 'api' });
    const stopping = h.service.stop();
    await new Promise((r) => setTimeout(r, 20));
    await clock.advance(5000);
    expect(await stopping).toEqual({ abandonedJobs: 1 });
    gate.release();
  });
});
