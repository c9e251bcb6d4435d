// Conflict review: every open conflict with its base, Notion and local value side by side; take
// Notion, take local or enter a value per conflict, or take one side for all selected ones.
// Resolving goes through `engine.conflicts.resolve` (recorded as resolved by `console`): a local
// or entered value is queued and the next push writes it.
import { Hono } from 'hono';
import { html } from 'hono/html';
import { NotionSyncError } from '../../errors.ts';
import type { ConsoleEnv, ConsoleOptions } from './console-env.ts';
import { csrfField, page, valueText } from './layout.ts';
import { checkCsrf } from './sessions.ts';

type Choice = { take: 'notion' | 'local' } | { take: 'value'; value: string };

/** What the submitted form asks: one conflict's button, or a bulk button over the checked ids. */
function decisionsOf(form: Record<string, string | File | (string | File)[]>): [number, Choice][] {
  const one = typeof form.one === 'string' ? form.one : null;
  if (one) {
    const [id, take] = one.split(':');
    const value = form[`value:${id}`];
    if (take === 'value')
      return [[Number(id), { take: 'value', value: typeof value === 'string' ? value : '' }]];
    return [[Number(id), { take: take === 'local' ? 'local' : 'notion' }]];
  }
  const bulk = form.bulk === 'local' ? 'local' : form.bulk === 'notion' ? 'notion' : null;
  const ids = [form.id ?? []].flat().map(Number);
  if (!bulk || ids.length === 0)
    throw new NotionSyncError(
      'value_invalid',
      'Select the conflicts to resolve, then choose a side.',
    );
  return ids.map((id) => [id, { take: bulk }]);
}

export function createConflictPages(options: ConsoleOptions): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const { engine } = options;

  app.get('/conflicts', async (c) => {
    const session = c.get('session');
    const open = await engine.conflicts.list({ state: 'open' });
    const body =
      open.length === 0
        ? html`<p class="muted">No open conflicts.</p>`
        : html`<form method="post" action="/conflicts/resolve">
            ${csrfField(session)}
            <table>
              <tr><th></th><th>Source</th><th>Record</th><th>Property</th><th>Base</th><th>Notion</th><th>Local</th><th>Resolve</th></tr>
              ${open.map(
                ({ conflict: k, source, pageId, localKey }) => html`<tr>
                <td><input type="checkbox" name="id" value="${k.id}" aria-label="select conflict ${k.id}" /></td>
                <td>${source}</td>
                <td>${pageId ? html`<a href="/records/${pageId}">${localKey}</a>` : localKey}</td>
                <td>${k.propertyName}</td>
                <td><code>${valueText(k.baseValue)}</code></td>
                <td><code>${valueText(k.notionValue)}</code></td>
                <td><code>${valueText(k.localValue)}</code></td>
                <td>
                  <button name="one" value="${k.id}:notion">Take Notion</button>
                  <button name="one" value="${k.id}:local">Take local</button>
                  <input name="value:${k.id}" placeholder="or a value" aria-label="value for conflict ${k.id}" />
                  <button name="one" value="${k.id}:value" class="secondary">Use value</button>
                </td>
              </tr>`,
              )}
            </table>
            <p>Selected: <button name="bulk" value="notion">Take Notion for all</button>
              <button name="bulk" value="local">Take local for all</button></p>
          </form>`;
    return c.html(page('Conflicts', session, body));
  });

  app.post('/conflicts/resolve', async (c) => {
    const form = await c.req.parseBody({ all: true });
    checkCsrf(c.get('session'), form);
    for (const [id, choice] of decisionsOf(form))
      await engine.conflicts.resolve(id, choice, 'console');
    return c.redirect('/conflicts', 303);
  });
  return app;
}
