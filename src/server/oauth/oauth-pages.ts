// The plain pages of the OAuth flow: what went wrong and how to retry. Rendered with hono/html
// (every interpolation escaped); they never hold a token, a code or the client secret.
import { html } from 'hono/html';
import { type Html, page } from '../console/layout.ts';

/** A page of the console's frame, without navigation (the browser may have no session). */
export const oauthPage = (title: string, body: Html): Html => page(title, null, body);

export const retryLink = (startUrl: string) =>
  html`<p><a class="button" href="${startUrl}">Connect Notion again</a></p>`;

export function deniedPage(startUrl: string): Html {
  return oauthPage(
    'Notion access was not granted',
    html`<p>You chose not to allow access in Notion, so nothing was connected and nothing was stored.</p>
      <p>To connect, start again and choose <strong>Allow access</strong> on Notion's page.</p>
      ${retryLink(startUrl)}`,
  );
}

export function failedPage(what: string, message: string, startUrl: string | null): Html {
  return oauthPage(
    what,
    html`<p>${message}</p>
      ${startUrl ? retryLink(startUrl) : ''}`,
  );
}
