// Invariant: /api/v1 answers only with the right bearer token; reads reflect the store; a
// trigger starts a run through the runner (202 with its id) and never a second one of a busy
// source (409); errors are `{error:{code,message}}`; every route is in the OpenAPI document.
import { describe, expect, it } from 'vitest';
import { createEmulator, createManualClock } from '../../emulator/index.ts';
import { createDataSource } from '../../emulator/test-support.ts';
import { executeJob, type Job, type JobContext } from '../../runner/index.ts';
import { storeFactories } from '../../store/test-support/store-factories.ts';
import type { Engine } from '../../sync/index.ts';
import { createServeHarness } from '../test-support/serve-harness.ts';

const TOKEN = ['api', 'token', 'for', 'tests', '0123456789'].join('-');
const [sqlite] = storeFactories();

async function setup() {
  const clock = createManualClock(Date.UTC(2026, 4, 4, 10, 0, 0));
  const emu = await createEmulator({ clock });
  const dsId = await createDataSource(emu.client(), emu.rootPageId, { Name: { title: {} } });
  const [pageId] = emu.control.bulkCreatePages(dsId, [
    { Name: { title: [{ text: { content: 'a' } }] } },
  ]);
  let release: () => void = () => {};
  let hold = false;
  const execute = async (engine: Engine, job: Job, context: JobContext) => {
    const outcome = await executeJob(engine, job, context);
    if (hold) await new Promise<void>((resolve) => (release = resolve));
    return outcome;
  };
  const h = await createServeHarness(
    sqlite!,
    emu,
    [
      { name: 'tasks', dataSource: dsId, direction: 'both' },
      { name: 'notes', dataSource: dsId },
    ],
    clock,
    {
      config: { server: { apiToken: TOKEN } },
      execute,
    },
  );
  const call = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const headers = new Headers(init.headers);
    const token = init.token === undefined ? TOKEN : init.token;
    if (token !== null) headers.set('authorization', `Bearer ${token}`);
    return Promise.resolve(h.service.app.request(`/api/v1${path}`, { ...init, headers }));
  };
  return { h, call, pageId: pageId!, holdRuns: () => (hold = true), release: () => release() };
}

describe('REST API', () => {
  it('refuses a missing or wrong token with 401 and the error body', async () => {
    const { call } = await setup();
    for (const token of [null, 'wrong', `${TOKEN}x`]) {
      const response = await call('/sources', { token });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'api_unauthorized' } });
    }
    expect((await call('/sources')).status).toBe(200);
  });

  it('triggers a pull: 202 with the run id, 409 source_busy while it runs', async () => {
    const { call, h, holdRuns, release } = await setup();
    holdRuns();
    const started = await call('/sources/tasks/pull', { method: 'POST' });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: number };
    expect(runId).toBeGreaterThan(0);
    const again = await call('/sources/tasks/sync', { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'source_busy' } });
    const view = (await (await call('/sources/tasks')).json()) as { running: boolean };
    expect(view.running).toBe(true);
    release();
    while (h.service.runner.isBusy('tasks')) await new Promise((r) => setTimeout(r, 5));
    const run = (await (await call(`/runs/${runId}`)).json()) as {
      status: string;
      trigger: string;
    };
    expect(run).toMatchObject({ status: 'ok', trigger: 'api' });
  });

  it('names the closest source on a 404 and refuses a push of a pull-only source', async () => {
    const { call } = await setup();
    const missing = await call('/sources/task/pull', { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      error: { code: 'source_not_found', message: expect.stringContaining('"tasks"') },
    });
    const push = await call('/sources/notes/push', { method: 'POST' });
    expect(push.status).toBe(400);
    expect(await push.json()).toMatchObject({ error: { code: 'usage' } });
    expect((await call('/nothing')).status).toBe(404);
  });

  it('lists runs paged and filtered, a record history with diffs, and conflicts', async () => {
    const { call, h, pageId } = await setup();
    for (let i = 0; i < 3; i++) await h.service.engine.pull(['tasks'], { trigger: 'cli' });
    await h.service.engine.pull(['notes'], { trigger: 'cli' });
    const first = (await (await call('/runs?limit=2&source=tasks')).json()) as {
      runs: { id: number }[];
      next: string;
    };
    expect(first.runs).toHaveLength(2);
    const second = (await (await call(`/runs${first.next}&limit=2&source=tasks`)).json()) as {
      runs: { id: number }[];
      next: null;
    };
    expect(second.runs).toHaveLength(1);
    expect(second.runs[0]!.id).toBeLessThan(first.runs[1]!.id);
    expect((await call('/runs?limit=0')).status).toBe(400);
    const history = (await (await call(`/records/${pageId}/history`)).json()) as {
      records: { source: string }[];
    };
    expect(history.records.map((r) => r.source).sort()).toEqual(['notes', 'tasks']);
    expect(await (await call('/conflicts')).json()).toEqual({ conflicts: [] });
    expect((await call('/conflicts/999')).status).toBe(404);
  });

  it('publishes an OpenAPI document naming every route', async () => {
    const { call, h } = await setup();
    const doc = (await (await call('/openapi.json', { token: null })).json()) as {
      paths: Record<string, object>;
    };
    const routes = h.service.app.routes
      .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL')
      .map((r) => r.path.slice('/api/v1'.length).replace(/:([A-Za-z]+)/g, '{$1}'));
    for (const route of new Set(routes)) expect(Object.keys(doc.paths)).toContain(route);
  });
});
