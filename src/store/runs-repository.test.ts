// Invariant: runs are the audit trail — counts, API calls by endpoint and errors survive — and a
// source never has two live running runs; a run whose process died stops blocking once stale.
import { describe, expect, it } from 'vitest';
import { isNotionSyncError } from '../errors.ts';
import { createManualClock } from '../shared/index.ts';
import { storeFactories } from './test-support/store-factories.ts';

describe.each(storeFactories())('runs on $name', (factory) => {
  it('records a run from start to finish and lists newest first', async () => {
    const clock = createManualClock(Date.parse('2026-03-01T00:00:00.000Z'));
    const { store } = await factory.create({ clock });
    const { source } = await store.sources.upsert({
      name: 'tasks',
      kind: 'data_source',
      notionId: 'ds-1',
    });
    const run = await store.runs.start({ sourceId: source.id, kind: 'pull', trigger: 'cli' });
    expect(run).toMatchObject({ status: 'running', counts: {}, apiCalls: {}, errors: [] });
    await clock.advance(1_000);
    await store.runs.heartbeat(run.id, {
      counts: { fetched: 100 },
      apiCalls: { 'POST /v1/data_sources/{id}/query': 1 },
    });
    expect((await store.runs.get(run.id))?.heartbeatAt).toBe('2026-03-01T00:00:01.000Z');
    const finished = await store.runs.finish(run.id, {
      status: 'partial',
      counts: { fetched: 200, created: 150, updated: 50 },
      apiCalls: { 'POST /v1/data_sources/{id}/query': 2, 'GET /v1/pages/{id}': 3 },
      rateLimitWaits: 1,
      errors: [{ message: 'page p9 could not be read', code: 'notion_error', pageId: 'p9' }],
    });
    expect(finished).toMatchObject({
      status: 'partial',
      finishedAt: '2026-03-01T00:00:01.000Z',
      rateLimitWaits: 1,
      counts: { created: 150 },
    });
    await clock.advance(1_000);
    const second = await store.runs.start({
      sourceId: source.id,
      kind: 'pull',
      trigger: 'schedule',
    });
    expect((await store.runs.list({ sourceId: source.id })).map((r) => r.id)).toEqual([
      second.id,
      run.id,
    ]);
  });

  it('refuses a second running run of a source until the first is stale', async () => {
    const clock = createManualClock(Date.parse('2026-03-01T00:00:00.000Z'));
    const { store } = await factory.create({ clock });
    const { source } = await store.sources.upsert({
      name: 'tasks',
      kind: 'data_source',
      notionId: 'ds-1',
    });
    const first = await store.runs.start({ sourceId: source.id, kind: 'pull', trigger: 'cli' });
    const busy = await store.runs
      .start({ sourceId: source.id, kind: 'pull', trigger: 'cli' })
      .catch((e: unknown) => e);
    expect(isNotionSyncError(busy) && busy.code).toBe('source_busy');
    const { source: other } = await store.sources.upsert({
      name: 'notes',
      kind: 'data_source',
      notionId: 'ds-2',
    });
    const raced = await Promise.allSettled(
      [1, 2, 3].map(() => store.runs.start({ sourceId: other.id, kind: 'pull', trigger: 'cli' })),
    );
    expect(raced.filter((r) => r.status === 'fulfilled').length).toBe(1);
    for (const r of raced) {
      if (r.status === 'rejected')
        expect(isNotionSyncError(r.reason) && r.reason.code).toBe('source_busy');
    }
    await store.runs.start({ kind: 'janitor', trigger: 'cli' });
    await store.runs.start({ kind: 'janitor', trigger: 'cli' });
    await clock.advance(60_000);
    const next = await store.runs.start({
      sourceId: source.id,
      kind: 'pull',
      trigger: 'cli',
      staleAfterMs: 30_000,
    });
    expect((await store.runs.get(first.id))?.status).toBe('abandoned');
    expect(next.status).toBe('running');
  });
});
