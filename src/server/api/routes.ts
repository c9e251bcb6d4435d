// The REST API under /api/v1 (JSON; errors are `{ error: { code, message } }` from the server's
// one onError). Reads come from the store and never touch Notion; triggers go through the
// runner, answer 202 with the run id, and 409 `source_busy` while the source runs.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Config } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import type { Runner, Scheduler, SourceJobKind } from '../../runner/index.ts';
import type { Store } from '../../store/index.ts';
import type { Engine } from '../../sync/index.ts';
import { requireBearer } from './auth.ts';
import { openApiDocument } from './openapi.ts';
import { assertDirectionAllows, findSourceConfig } from './source-lookup.ts';

export interface ApiOptions {
  engine: Engine;
  store: Store;
  runner: Runner;
  scheduler: Scheduler | null;
  config: Pick<Config, 'sources'>;
  apiToken: string | undefined;
}

function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.output<T> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new NotionSyncError(
    'usage',
    `Query parameter ${issue?.path.join('.') || '?'}: ${issue?.message ?? 'invalid'}.`,
  );
}

const runsQuery = z
  .object({
    source: z.string().optional(),
    status: z.enum(['running', 'ok', 'failed', 'partial', 'interrupted']).optional(),
    kind: z.enum(['pull', 'push', 'refresh']).optional(),
    trigger: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    before: z.coerce.number().int().positive().optional(),
  })
  .strict();

const resolveBody = z.union([
  z.object({ take: z.enum(['notion', 'local']) }).strict(),
  z
    .object({
      take: z.literal('value'),
      value: z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]),
    })
    .strict(),
]);

async function sourceView(options: ApiOptions, name?: string) {
  const [statuses, lastReceived] = await Promise.all([
    options.engine.status(),
    options.store.webhookEvents.lastReceived(),
  ]);
  const planned = new Map((options.scheduler?.list() ?? []).map((s) => [s.source, s]));
  return statuses
    .filter((s) => name === undefined || s.name === name)
    .map((s) => ({
      name: s.name,
      direction: s.config.direction ?? 'pull',
      kind: s.source?.kind ?? null,
      notionId: s.source?.notionId ?? null,
      access: s.source?.accessState ?? null,
      lastRun: s.lastRun,
      rows: s.rows,
      cursor: s.checkpoint?.cursor ?? null,
      lastReconcileAt: s.checkpoint?.lastCompleteReconcileAt ?? null,
      outbox: { pending: s.outbox.pending, dead: s.outbox.dead.length },
      openConflicts: s.openConflicts,
      schedule: planned.get(s.name) ?? null,
      running: options.runner.isBusy(s.name),
      // One connection today (the default); every source belongs to it.
      lastWebhookAt: lastReceived.default ?? null,
    }));
}

export function createApiRoutes(options: ApiOptions): Hono {
  const api = new Hono();
  const { engine, store, runner, config } = options;
  api.get('/openapi.json', (c) => c.json(openApiDocument()));
  api.use('*', requireBearer(options.apiToken));

  api.get('/sources', async (c) => c.json({ sources: await sourceView(options) }));
  api.get('/sources/:name', async (c) => {
    const source = findSourceConfig(config.sources, c.req.param('name'));
    const [view] = await sourceView(options, source.name);
    return c.json(view);
  });
  for (const kind of ['pull', 'push', 'sync'] as const satisfies SourceJobKind[]) {
    api.post(`/sources/:name/${kind}`, async (c) => {
      const source = findSourceConfig(config.sources, c.req.param('name'));
      assertDirectionAllows(source, kind);
      const started = await runner.start({ kind, source: source.name, trigger: 'api' });
      return c.json({ source: source.name, kind, runId: started.runId }, 202);
    });
  }

  api.get('/runs', async (c) => {
    const q = parseQuery(runsQuery, c.req.query());
    let sourceId: number | undefined;
    if (q.source !== undefined) {
      findSourceConfig(config.sources, q.source);
      sourceId = (await store.sources.getByName(q.source))?.id ?? -1;
    }
    const runs = await store.runs.list({
      limit: q.limit,
      ...(sourceId !== undefined ? { sourceId } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.trigger ? { triggerPrefix: q.trigger } : {}),
      ...(q.before ? { beforeId: q.before } : {}),
    });
    const last = runs.at(-1);
    return c.json({ runs, next: runs.length === q.limit && last ? `?before=${last.id}` : null });
  });
  api.get('/runs/:id', async (c) => {
    const id = Number(c.req.param('id'));
    const run = Number.isInteger(id) ? await store.runs.get(id) : null;
    if (!run) throw new NotionSyncError('store_not_found', `No run #${c.req.param('id')}.`);
    return c.json(run);
  });

  api.get('/records/:pageId/history', async (c) =>
    c.json({ records: await engine.history(c.req.param('pageId'), { diff: true }) }),
  );

  api.get('/conflicts', async (c) => {
    const state = c.req.query('state');
    if (state !== undefined && !['open', 'resolved', 'all'].includes(state))
      throw new NotionSyncError('usage', 'Query parameter state: one of open, resolved, all.');
    const source = c.req.query('source');
    if (source !== undefined) findSourceConfig(config.sources, source);
    const conflicts = await engine.conflicts.list({
      ...(source ? { source } : {}),
      ...(state ? { state: state as 'open' | 'resolved' | 'all' } : {}),
    });
    return c.json({ conflicts });
  });
  api.get('/conflicts/:id', async (c) =>
    c.json(await engine.conflicts.get(conflictId(c.req.param('id')))),
  );
  api.post('/conflicts/:id/resolve', async (c) => {
    const body = resolveBody.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success)
      throw new NotionSyncError(
        'usage',
        'Body: {"take":"notion"|"local"} or {"take":"value","value":…}.',
      );
    return c.json(
      await engine.conflicts.resolve(conflictId(c.req.param('id')), body.data as never, 'api'),
    );
  });

  api.get('/webhooks', async (c) => {
    const [lastReceived, counts, failed, token] = await Promise.all([
      store.webhookEvents.lastReceived(),
      store.webhookEvents.countByState(),
      store.webhookEvents.listFailed(50),
      store.webhookTokens.state('default'),
    ]);
    return c.json({
      connections: [{ name: 'default', lastReceivedAt: lastReceived.default ?? null, ...token }],
      events: counts,
      failed: failed.map(({ payload: _payload, ...event }) => event),
    });
  });
  return api;
}

function conflictId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0)
    throw new NotionSyncError('usage', `"${text}" is not a conflict id.`);
  return id;
}
