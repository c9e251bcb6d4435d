import { plainText } from '../rich-text.ts';
import type { Workspace } from '../workspace.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Pages and databases directly under `id` (or the workspace's top level), not trashed. */
function childrenOf(ws: Workspace, id: string | undefined): string[] {
  const s = ws.state;
  const ids =
    id === undefined
      ? [
          ...Object.values(s.pages).filter((p) => p.parent.type === 'workspace'),
          ...Object.values(s.databases).filter((d) => d.parent.type === 'workspace'),
        ].map((r) => r.id)
      : (ws.childIdsOf(id) ?? []);
  return ids.filter((c) => {
    const record = s.pages[c] ?? s.databases[c];
    return record !== undefined && !record.inTrash;
  });
}

function titleOf(ws: Workspace, id: string): string {
  const database = ws.state.databases[id];
  const title = database ? plainText(database.title) : ws.pageTitle(id);
  return title || 'Untitled';
}

function tree(ws: Workspace, id: string | undefined, depth: number): string {
  const children = childrenOf(ws, id);
  if (children.length === 0 || depth > 6) return '';
  const items = children.map((child) => {
    const label = escapeHtml(titleOf(ws, child));
    return `<li><label><input type="checkbox" name="page" value="${child}"> ${label}</label>${tree(ws, child, depth + 1)}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:560px;margin:40px auto;color:#37352f}
ul{list-style:none;padding-left:20px}form>ul{padding-left:0}li{margin:4px 0}
.actions{margin-top:24px;display:flex;gap:12px}button{padding:8px 16px;border-radius:4px;border:1px solid #ccc;background:#fff;cursor:pointer}
button[value=allow]{background:#2383e2;color:#fff;border-color:#2383e2}`;

/** Notion-like consent page: who asks, a checkbox tree of pages, Allow access / Cancel. */
export function renderConsentPage(
  ws: Workspace,
  input: { clientName: string; nonce: string; persons: { id: string; name: string }[] },
): string {
  const people = input.persons
    .map((p) => `<option value="${p.id}">${escapeHtml(p.name)}</option>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.clientName)} wants to access ${escapeHtml(ws.state.workspaceName)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(input.clientName)} wants to access your Notion workspace</h1>
<form method="post" action="/v1/oauth/authorize">
<input type="hidden" name="nonce" value="${input.nonce}">
<p><label>Workspace <strong>${escapeHtml(ws.state.workspaceName)}</strong>, signed in as <select name="user">${people}</select></label></p>
<p>Select the pages ${escapeHtml(input.clientName)} can access:</p>
${tree(ws, undefined, 0)}
<div class="actions"><button type="submit" name="decision" value="deny">Cancel</button><button type="submit" name="decision" value="allow">Allow access</button></div>
</form></body></html>`;
}

/** A plain error page (an authorize request too broken to redirect anywhere). */
export function renderErrorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cannot authorize</title><style>${STYLE}</style></head><body><h1>Cannot authorize</h1><p>${escapeHtml(message)}</p></body></html>`;
}
