// The plain pages of the OAuth flow: what went wrong and how to retry. Rendered with hono/html
// (every interpolation escaped); they never hold a token, a code or the client secret.
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export function oauthPage(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · notion-sync</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
      a.button { display: inline-block; padding: .5rem 1rem; background: #222; color: #fff; border-radius: 4px; text-decoration: none; }
      code { background: #f3f3f3; padding: 0 .25rem; }
    </style>
  </head>
  <body>
    <h1>${title}</h1>
    ${body}
  </body>
</html>`;
}

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
