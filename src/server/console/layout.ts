// The console's page frame: navigation for the session's audience, a readable stylesheet, and
// the helpers every page uses (CSRF field, JSON values as text). Rendered with hono/html: every
// interpolated value is escaped. No secret is ever passed in.
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Session } from './sessions.ts';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;background:#fafafa}
header{background:#1f2328;color:#fff;padding:.6rem 1.5rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none}header strong{margin-right:1rem}
header form{margin-left:auto}main{padding:1.5rem;max-width:72rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d0d7de;padding:.35rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}code,pre{background:#f3f4f6;padding:0 .25rem;white-space:pre-wrap;word-break:break-word}
button,.button{font:inherit;padding:.3rem .8rem;border:1px solid #1f2328;background:#1f2328;color:#fff;border-radius:4px;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:#1f2328}.status-active,.status-ok{color:#1a7f37}.status-reconnect,.status-access_lost,.status-failed,.status-revoked{color:#cf222e}
.muted{color:#57606a}.picker li{list-style:none;margin:.2rem 0}.progress{font-size:1.1rem}
`;

export function page(
  title: string,
  session: Session | null,
  body: Html,
  head: Html | string = '',
): Html {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · notion-sync</title>
    <style>${raw(STYLE)}</style>
    ${head}
  </head>
  <body>
    <header>
      <strong>notion-sync</strong>
      ${nav(session)}
    </header>
    <main>
      <h1>${title}</h1>
      ${body}
    </main>
  </body>
</html>`;
}

function nav(session: Session | null): Html | string {
  if (!session) return '';
  const links =
    session.role === 'operator'
      ? html`<a href="/connections">Connections</a><a href="/sources">Sources</a><a href="/runs">Runs</a
          ><a href="/conflicts">Conflicts</a><a href="/dead-letters">Dead letters</a>`
      : html`<a href="/connections/${encodeURIComponent(session.connection)}/import">My Notion</a>`;
  return html`${links}
    <form method="post" action="/logout">${csrfField(session)}<button class="secondary">Log out</button></form>`;
}

export const csrfField = (session: Session) =>
  html`<input type="hidden" name="csrf" value="${session.csrf}" />`;

/** A stored JSON value as short readable text. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
