// The operator's pages: connections (reconnect, disconnect), sources (status, rows, gaps, last
// run, "pull now"), runs (filterable by source), a record's history with a per-property diff,
// and dead letters through the engine's one outbox interface (requeue, drop). Every action is
// recorded with trigger `console`.
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { ConsoleEnv, ConsoleOptions } from './console-env.ts';
import { csrfField, page, valueText } from './layout.ts';
import { checkCsrf } from './sessions.ts';

/** The coverage gaps that are not zero, e.g. `cappedQueries 2`; `none` when the copy is complete. */
function gapsText(gaps: object | null): string {
  if (!gaps) return '—';
  const open = Object.entries(gaps).filter(([, n]) => typeof n === 'number' && n > 0);
  return open.length ? open.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

export function createOperatorPages(options: ConsoleOptions): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const { engine, runner } = options;

  app.get('/connections', async (c) => {
    const session = c.get('session');
    const [connections, webhooks] = await Promise.all([
      engine.connections.list(),
      options.lastWebhookAt(),
    ]);
    return c.html(
      page(
        'Connections',
        session,
        html`<p><a class="button" href="/oauth/notion/start">Connect Notion</a></p>
          <table>
            <tr><th>Name</th><th>Kind</th><th>Workspace</th><th>Bot</th><th>App user</th><th>Status</th><th>Sources</th><th>Last webhook</th><th></th></tr>
            ${connections.map(
              (k) => html`<tr>
                <td>${k.name}</td><td>${k.kind === 'env' ? `token (${k.tokenEnv})` : 'OAuth'}</td>
                <td>${k.workspaceName ?? '—'}</td><td>${k.botId ?? '—'}</td><td>${k.appUser ?? '—'}</td>
                <td class="status-${k.status}">${k.status}</td><td>${k.sources.join(', ') || '—'}</td>
                <td>${webhooks[k.name] ?? '—'}</td>
                <td>${
                  k.kind === 'oauth'
                    ? html`<a href="/connections/${encodeURIComponent(k.name)}/import">Import</a>
                        <a href="/oauth/notion/start${k.appUser ? `?user=${encodeURIComponent(k.appUser)}` : ''}">Reconnect</a>
                        ${
                          k.status !== 'revoked'
                            ? html`<form method="post" action="/connections/${encodeURIComponent(k.name)}/disconnect">${csrfField(session)}<button class="secondary">Disconnect</button></form>`
                            : ''
                        }`
                    : ''
                }</td>
              </tr>`,
            )}
          </table>`,
      ),
    );
  });

  app.post('/connections/:name/disconnect', async (c) => {
    checkCsrf(c.get('session'), await c.req.parseBody());
    await engine.connections.disconnect(c.req.param('name'));
    return c.redirect('/connections', 303);
  });

  app.get('/sources', async (c) => {
    const session = c.get('session');
    const sources = await engine.status();
    const planned = new Map((options.scheduler?.list() ?? []).map((p) => [p.source, p.nextRunAt]));
    return c.html(
      page(
        'Sources',
        session,
        html`<table>
          <tr><th>Source</th><th>Connection</th><th>Status</th><th>Rows</th><th>Last run</th><th>Next run</th><th>Gaps</th><th>Conflicts</th><th></th></tr>
          ${sources.map(
            (s) => html`<tr>
              <td>${s.name}</td><td>${s.config.connection ?? 'default'}</td>
              <td class="status-${s.source?.accessState ?? ''}">${s.source?.accessState ?? 'not pulled'}</td>
              <td>${s.rows.live}${s.rows.tombstoned ? ` (+${s.rows.tombstoned} gone)` : ''}</td>
              <td>${s.lastRun ? html`<a href="/runs?source=${encodeURIComponent(s.name)}">${s.lastRun.status}, ${s.lastRun.trigger}, ${s.lastRun.finishedAt ?? 'running'}</a>` : '—'}</td>
              <td>${planned.get(s.name) ?? '—'}</td>
              <td>${gapsText(s.gaps)}</td><td>${s.openConflicts}</td>
              <td><form method="post" action="/sources/${encodeURIComponent(s.name)}/pull">${csrfField(session)}<button>Pull now</button></form></td>
            </tr>`,
          )}
        </table>`,
      ),
    );
  });

  app.post('/sources/:name/pull', async (c) => {
    checkCsrf(c.get('session'), await c.req.parseBody());
    await runner.start({ kind: 'pull', source: c.req.param('name'), trigger: 'console' });
    return c.redirect(`/runs?source=${encodeURIComponent(c.req.param('name'))}`, 303);
  });

  app.get('/runs', async (c) => {
    const source = c.req.query('source') || undefined;
    const runs = await engine.runs({ ...(source ? { source } : {}), limit: 100 });
    return c.html(
      page(
        'Runs',
        c.get('session'),
        html`<form method="get" action="/runs"><label>Source <input name="source" value="${source ?? ''}" /></label> <button class="secondary">Filter</button></form>
          <table>
            <tr><th>#</th><th>Kind</th><th>Trigger</th><th>Status</th><th>Started</th><th>Finished</th><th>Counts</th><th>Errors</th></tr>
            ${runs.map(
              (
                r,
              ) => html`<tr><td>${r.id}</td><td>${r.kind}</td><td>${r.trigger}</td><td class="status-${r.status}">${r.status}</td>
                <td>${r.startedAt}</td><td>${r.finishedAt ?? '—'}</td><td><code>${valueText(r.counts)}</code></td>
                <td>${r.errors.map((e) => html`<div>${e.code}: ${e.message}</div>`)}</td></tr>`,
            )}
          </table>`,
      ),
    );
  });

  app.get('/records/:pageId', async (c) => {
    const results = await engine.history(c.req.param('pageId'), { diff: true });
    return c.html(
      page(
        'Record history',
        c.get('session'),
        html`${results.map(
          (r) => html`<h2>${r.source} <span class="muted">${r.pageId}</span></h2>
            <table>
              <tr><th>Version</th><th>When</th><th>Origin</th><th>Trigger</th><th>Changes</th></tr>
              ${[...r.versions].reverse().map(
                (
                  v,
                ) => html`<tr><td>${v.version.seq}</td><td>${v.version.createdAt}</td><td>${v.version.origin}</td><td>${v.version.trigger ?? '—'}</td>
                  <td>${
                    v.changes
                      ? html`<table>${v.changes.map((d) => html`<tr><td>${d.name}</td><td>${d.change}</td><td><del>${valueText(d.before)}</del></td><td><ins>${valueText(d.after)}</ins></td></tr>`)}</table>${v.contentChanged ? html`<div>content changed</div>` : ''}`
                      : 'first version'
                  }</td></tr>`,
              )}
            </table>`,
        )}`,
      ),
    );
  });

  app.get('/dead-letters', async (c) => {
    const session = c.get('session');
    const dead = await engine.outbox.list({ state: 'dead' });
    return c.html(
      page(
        'Dead letters',
        session,
        html`${dead.length === 0 ? html`<p class="muted">No dead letters.</p>` : ''}
          <table>
            <tr><th>#</th><th>Source</th><th>Page</th><th>Op</th><th>Values</th><th>Last error</th><th></th></tr>
            ${dead.map(
              (
                d,
              ) => html`<tr><td>${d.item.id}</td><td>${d.source}</td><td>${d.pageId ?? d.localKey}</td><td>${d.item.op}</td>
                <td><code>${valueText(d.values)}</code></td><td>${valueText(d.item.lastError)}</td>
                <td><form method="post" action="/dead-letters/${d.item.id}/requeue">${csrfField(session)}<button>Requeue</button></form>
                  <form method="post" action="/dead-letters/${d.item.id}/drop">${csrfField(session)}<button class="secondary">Drop</button></form></td></tr>`,
            )}
          </table>`,
      ),
    );
  });

  app.post('/dead-letters/:id/:action{requeue|drop}', async (c) => {
    checkCsrf(c.get('session'), await c.req.parseBody());
    const id = Number(c.req.param('id'));
    if (c.req.param('action') === 'requeue') await engine.outbox.requeue([id]);
    else await engine.outbox.drop([id]);
    return c.redirect('/dead-letters', 303);
  });
  return app;
}
