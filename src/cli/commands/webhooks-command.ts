import type { Command } from 'commander';
import { NotionSyncError } from '../../errors.ts';
// The connections module alone: the server's index would load hono and prom-client.
import {
  connectionForUrl,
  DEFAULT_CONNECTION,
  webhookUrlsOf,
} from '../../server/webhooks/connections.ts';
import type { CliContext } from '../context.ts';
import { withEngine } from '../open-engine.ts';

export function registerWebhooksCommand(program: Command, context: () => CliContext): void {
  const webhooks = program
    .command('webhooks')
    .description('webhook verification tokens of `serve`');
  webhooks
    .command('token [connection]')
    .description(
      'print the pending verification token a subscription handshake delivered; --accept makes it the key that signs events',
    )
    .option('--accept', 'accept the pending token as the HMAC key of X-Notion-Signature')
    .action(async (name: string | undefined, options: { accept?: boolean }) => {
      const ctx = context();
      const config = ctx.config();
      const urls = webhookUrlsOf(config.connections, Boolean(config.oauth?.clientId));
      const connection = connectionForUrl(name, urls).name;
      await withEngine(ctx, async ({ store }) => {
        if (options.accept) {
          await store.webhookTokens.acceptPending(connection);
          if (ctx.json) ctx.printJson({ connection, accepted: true });
          else
            ctx.out(
              `Accepted: events for "${connection}" signed with this token are now received.`,
            );
          return;
        }
        const token = await store.webhookTokens.readPending(connection);
        if (token === null) {
          const state = await store.webhookTokens.state(connection);
          throw new NotionSyncError(
            'webhook_token_missing',
            `No pending verification token for "${connection}"${state.acceptedAt ? ` (one was accepted at ${state.acceptedAt})` : ''}: ` +
              'create the subscription in Notion with the URL of `serve` (or press "Resend token") while `serve` runs.',
            { details: { connection } },
          );
        }
        if (ctx.json) ctx.printJson({ connection, token });
        else {
          ctx.out(token);
          ctx.err(
            `Paste it into the subscription's Verify dialog in Notion, then run \`notion-sync webhooks token${connection === DEFAULT_CONNECTION ? '' : ` ${connection}`} --accept\`.`,
          );
        }
      });
    });
}
