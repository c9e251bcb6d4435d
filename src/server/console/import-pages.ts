// The import step of a connection (end users and operators): what the connection can see as a
// page picker, its sources and their status, a reconnect link when its token stopped working,
// and the live progress of an import (the page reloads itself until the import is done).
import { Hono } from 'hono';
import { html } from 'hono/html';
import { NotionSyncError } from '../../errors.ts';
import type { ConnectionInfo, ImportPick, Pickable, SourceStatus } from '../../sync/index.ts';
import type { ConsoleEnv, ConsoleOptions } from './console-env.ts';
import type { ImportJob } from './import-jobs.ts';
import { csrfField, type Html, page } from './layout.ts';
import { checkCsrf, forbidden, mayUseConnection, type Session } from './sessions.ts';

const base = (name: string) => `/connections/${encodeURIComponent(name)}`;

function reconnectBox(connection: ConnectionInfo, sources: SourceStatus[]): Html | string {
  // Access shrinks when pages are unshared in Notion: consenting again is how to give it back.
  const lost = sources.some((s) => s.source?.accessState === 'access_lost');
  if (connection.status === 'active' && !lost) return '';
  const start = `/oauth/notion/start${connection.appUser ? `?user=${encodeURIComponent(connection.appUser)}` : ''}`;
  return html`<p class="status-reconnect">
    This connection needs a new consent (${connection.status === 'active' ? 'access to some pages was lost' : connection.status}): your imported data is kept.
    <a class="button" href="${start}">Reconnect Notion</a>
  </p>`;
}

function sourcesTable(rows: SourceStatus[]): Html {
  if (rows.length === 0) return html`<p class="muted">Nothing imported yet.</p>`;
  return html`<table>
    <tr><th>Source</th><th>Kind</th><th>Status</th><th>Rows</th><th>Last run</th></tr>
    ${rows.map(
      (s) => html`<tr>
        <td>${s.name}</td>
        <td>${s.config.page ? 'page tree' : 'database'}</td>
        <td class="status-${s.source?.accessState ?? 'new'}">${s.source?.accessState ?? 'not pulled'}</td>
        <td>${s.rows.live}</td>
        <td>${s.lastRun ? `${s.lastRun.status} (${s.lastRun.trigger}) ${s.lastRun.finishedAt ?? ''}` : '—'}</td>
      </tr>`,
    )}
  </table>`;
}

function picker(session: Session, name: string, items: Pickable[]): Html {
  if (items.length === 0)
    return html`<p class="muted">This connection sees no pages yet: reconnect and pick pages in Notion.</p>`;
  return html`<form method="post" action="${base(name)}/import">
    ${csrfField(session)}
    <ul class="picker">
      ${items.map(
        (p) => html`<li>
          <label><input type="checkbox" name="pick" value="${p.kind}:${p.id}" />
            <span class="muted">${p.path.join(' / ')}${p.path.length ? ' / ' : ''}</span>${p.title}
            <span class="muted">(${p.kind === 'page' ? 'page tree' : 'database'})</span></label>
          <input type="hidden" name="title:${p.id}" value="${p.title}" />
        </li>`,
      )}
    </ul>
    <button>Import selected</button>
  </form>`;
}

function progressBody(job: ImportJob, name: string): Html {
  const rows = Object.entries(job.progress);
  return html`<p class="progress" id="import-state" data-state="${job.state}">
      ${job.state === 'running' ? 'Importing…' : job.state === 'done' ? 'Import finished.' : 'Import failed.'}
    </p>
    ${job.error ? html`<p class="status-failed">${job.error.message}</p>` : ''}
    <table>
      <tr><th>Source</th><th>Phase</th><th>Rows stored</th><th>Result</th></tr>
      ${rows.map(([source, p]) => {
        const result = job.result?.sources.find((r) => r.source === source);
        return html`<tr><td>${source}</td><td>${p.phase}</td><td>${p.rows}</td><td class="status-${result?.status ?? ''}">${result?.status ?? '…'}</td></tr>`;
      })}
    </table>
    <p><a href="${base(name)}/import">Back to the import step</a></p>`;
}

/** The picks of a submitted picker form; `value_invalid` when nothing was picked. */
function picksOf(form: Record<string, string | File | (string | File)[]>): ImportPick[] {
  const values = [form.pick ?? []].flat().map(String);
  return values.map((value) => {
    const [kind, id] = value.split(':');
    const title = form[`title:${id}`];
    return {
      id: id ?? '',
      kind: kind === 'data_source' ? 'data_source' : 'page',
      ...(typeof title === 'string' ? { title } : {}),
    };
  });
}

export function createImportPages(options: ConsoleOptions): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const { engine, jobs } = options;

  const allowed = (session: Session, name: string) => {
    if (!mayUseConnection(session, name)) throw forbidden();
  };

  app.get('/connections/:name/import', async (c) => {
    const session = c.get('session');
    const name = c.req.param('name');
    allowed(session, name);
    const connection = await engine.connections.get(name);
    const items = connection.status === 'active' ? await engine.connections.browse(name) : [];
    const sources = (await engine.status()).filter((s) => connection.sources.includes(s.name));
    return c.html(
      page(
        `Import from ${connection.workspaceName ?? name}`,
        session,
        html`${reconnectBox(connection, sources)}
          <h2>Your imported pages</h2>
          ${sourcesTable(sources)}
          <h2>Pick what to import</h2>
          ${connection.status === 'active' ? picker(session, name, items) : ''}`,
      ),
    );
  });

  app.post('/connections/:name/import', async (c) => {
    const session = c.get('session');
    const name = c.req.param('name');
    allowed(session, name);
    const form = await c.req.parseBody({ all: true });
    checkCsrf(session, form);
    const picks = picksOf(form);
    if (picks.length === 0)
      throw new NotionSyncError('value_invalid', 'Pick at least one page or database to import.');
    const job = jobs.start(name, picks);
    return c.redirect(`${base(name)}/imports/${job.id}`, 303);
  });

  app.get('/connections/:name/imports/:id', (c) => {
    const session = c.get('session');
    const name = c.req.param('name');
    allowed(session, name);
    const job = jobs.get(c.req.param('id'));
    if (!job || job.connection !== name)
      throw new NotionSyncError(
        'store_not_found',
        'No such import: start one from the import step.',
      );
    const body = progressBody(job, name);
    const refresh = job.state === 'running' ? html`<meta http-equiv="refresh" content="1" />` : '';
    return c.html(page('Import', session, body, refresh));
  });
  return app;
}
