import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Emulator } from '../../emulator/index.ts';
import { NotionSyncError } from '../../errors.ts';
import { parseDuration } from '../../shared/index.ts';
import type { CliContext } from '../context.ts';
import { waitForSignal } from '../wait-for-signal.ts';

interface EmulatorFlags {
  port: string;
  host: string;
  seed: string;
  state?: string;
  stateDir?: string;
  rateLimit: string;
  workspaceRateLimit: string;
  burst: string;
  latencyMs: string;
  webhookUrl?: string;
  webhookAggregateMs: string;
  oauthClient: string[];
  oauthTokenLifetime?: string;
  oauthExpiresIn?: boolean;
}

interface OAuthClientFlag {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** `<id>:<secret>:<redirect uri>` (the URI keeps its own colons). */
function parseOAuthClient(value: string): OAuthClientFlag {
  const [clientId, clientSecret, ...rest] = value.split(':');
  const redirectUri = rest.join(':');
  if (!clientId || !clientSecret || !/^https?:\/\//.test(redirectUri)) {
    throw new NotionSyncError(
      'usage',
      'each --oauth-client must be <client id>:<client secret>:<redirect uri>, e.g. 3f2a…:secret_abc:http://127.0.0.1:3000/oauth/callback',
    );
  }
  return { clientId, clientSecret, redirectUri };
}

function lifetimeFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0)
    throw new NotionSyncError(
      'usage',
      `--oauth-token-lifetime must be a duration such as 1h or 90s, got "${value}"`,
    );
  return ms;
}

function numberFlag(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) {
    throw new NotionSyncError('usage', `${flag} must be a number ≥ ${min}, got "${value}"`);
  }
  return n;
}

async function startConfigured(flags: EmulatorFlags): Promise<Emulator> {
  if (flags.seed !== 'empty' && flags.seed !== 'demo') {
    throw new NotionSyncError('usage', `--seed must be "empty" or "demo", got "${flags.seed}"`);
  }
  const rps = numberFlag(flags.rateLimit, '--rate-limit', 0);
  const burst = numberFlag(flags.burst, '--burst', 1);
  const workspaceRps = numberFlag(flags.workspaceRateLimit, '--workspace-rate-limit', 0);
  const latencyMs = numberFlag(flags.latencyMs, '--latency-ms', 0);
  const aggregateMs = numberFlag(flags.webhookAggregateMs, '--webhook-aggregate-ms', 0);
  const oauthClients = flags.oauthClient.map(parseOAuthClient);
  const lifetimeMs = lifetimeFlag(flags.oauthTokenLifetime);
  const fromState = flags.state !== undefined && existsSync(flags.state);
  // Loaded on use: the emulator (hono, its routes) stays out of every other command's process.
  const { createEmulator } = await import('../../emulator/index.ts');
  const emulator = await createEmulator({
    seed: fromState ? 'empty' : (flags.seed as 'empty' | 'demo'),
    rateLimit:
      rps > 0
        ? {
            requestsPerSecond: rps,
            burst,
            ...(workspaceRps > 0 ? { workspaceRequestsPerSecond: workspaceRps } : {}),
          }
        : false,
    latencyMs,
    webhooks: { aggregateMs },
    oauth: {
      ...(lifetimeMs !== undefined ? { accessTokenLifetimeMs: lifetimeMs } : {}),
      sendExpiresIn: flags.oauthExpiresIn === true,
    },
    statePaths: {
      ...(flags.state ? { file: flags.state } : {}),
      ...(flags.stateDir ? { dir: flags.stateDir } : {}),
    },
  });
  if (fromState && flags.state) await emulator.control.loadState(flags.state);
  const known = new Set(emulator.control.oauth.clients().map((c) => c.clientId));
  for (const c of oauthClients) {
    if (known.has(c.clientId)) continue;
    emulator.control.oauth.registerClient({
      name: `OAuth client ${c.clientId.slice(0, 8)}`,
      redirectUris: [c.redirectUri],
      clientId: c.clientId,
      clientSecret: c.clientSecret,
    });
  }
  return emulator;
}

/** Subscribes the default integration to every event type and verifies at once. */
function subscribeFlag(emulator: Emulator, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  // A --state file may hold the subscription of the previous run: replace it, not add a twin.
  const same = (other: string) => URL.canParse(url) && new URL(url).toString() === other;
  for (const old of emulator.control.webhooks.list())
    if (old.integrationId === emulator.integrationId && same(old.url))
      emulator.control.webhooks.remove(old.id);
  const sub = emulator.control.webhooks.subscribe({ url });
  emulator.control.webhooks.verify(sub.id);
  return sub.verificationToken;
}

function printBanner(
  ctx: CliContext,
  emulator: Emulator,
  baseUrl: string,
  extra: { rateLimit: string; webhookToken: string | undefined; webhookUrl: string | undefined },
): void {
  ctx.out(`Notion API emulator listening on ${baseUrl}`);
  ctx.out(`  token         ${emulator.token}`);
  ctx.out(`  workspace id  ${emulator.workspaceId}`);
  ctx.out(`  root page id  ${emulator.rootPageId}`);
  ctx.out(`  rate limit    ${extra.rateLimit}`);
  if (extra.webhookToken)
    ctx.out(`  webhooks      ${extra.webhookUrl} (verification token ${extra.webhookToken})`);
  for (const c of emulator.control.oauth.clients())
    ctx.out(`  oauth client  ${c.clientId} → ${c.redirectUris.join(', ')}`);
  if (emulator.demo) {
    const d = emulator.demo;
    ctx.out('Demo databases (database id / data source id):');
    ctx.out(`  Projects  ${d.projectsDatabaseId} / ${d.projectsDataSourceId}`);
    ctx.out(`  Tasks     ${d.tasksDatabaseId} / ${d.tasksDataSourceId}`);
    ctx.out(`  Wiki page ${d.wikiPageId}`);
  }
  ctx.out('Point notion-sync at it:');
  ctx.out(`  export NOTION_BASE_URL=${baseUrl} NOTION_TOKEN=${emulator.token}`);
  ctx.out(`Or from code: new Client({ auth: token, baseUrl: '${baseUrl}' }). Ctrl-C stops it.`);
}

async function runEmulator(ctx: CliContext, flags: EmulatorFlags): Promise<void> {
  const port = numberFlag(flags.port, '--port', 0);
  const rps = numberFlag(flags.rateLimit, '--rate-limit', 0);
  const emulator = await startConfigured(flags);
  const server = await emulator.listen({ port, host: flags.host });
  const webhookToken = subscribeFlag(emulator, flags.webhookUrl);
  const info = {
    baseUrl: server.baseUrl,
    token: emulator.token,
    workspaceId: emulator.workspaceId,
    rootPageId: emulator.rootPageId,
    ...(webhookToken ? { webhookVerificationToken: webhookToken } : {}),
    ...(emulator.demo ? { demo: emulator.demo } : {}),
  };
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify(info)}\n`);
  else
    printBanner(ctx, emulator, server.baseUrl, {
      rateLimit:
        rps > 0
          ? `${rps} req/s, burst ${flags.burst}${Number(flags.workspaceRateLimit) > 0 ? `; workspace ${flags.workspaceRateLimit} req/s` : ''}`
          : 'off',
      webhookToken,
      webhookUrl: flags.webhookUrl,
    });
  const signal = await waitForSignal();
  if (flags.state) await emulator.control.saveState(flags.state);
  await server.close();
  if (!ctx.json)
    ctx.err(`stopped on ${signal}${flags.state ? `; state saved to ${flags.state}` : ''}`);
}

export function registerEmulatorCommand(program: Command, context: () => CliContext): void {
  program
    .command('emulator')
    .description('run the Notion API emulator on a local port (tests, demos)')
    .option('--port <port>', 'TCP port (0 picks a free one)', '4010')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--seed <seed>', 'initial workspace: empty or demo', 'empty')
    .option('--state <file>', 'load the workspace from FILE if it exists; save it there on exit')
    .option(
      '--rate-limit <rps>',
      'average requests per second per integration (0 turns it off)',
      '3',
    )
    .option(
      '--workspace-rate-limit <rps>',
      'average requests per second of the whole workspace, shared by all integrations (0 = no workspace limit; needs --rate-limit)',
      '0',
    )
    .option('--burst <n>', 'requests an idle integration may send at once', '10')
    .option('--latency-ms <ms>', 'latency added to every request', '0')
    .option(
      '--state-dir <dir>',
      'directory the control API may save and load state files in (besides --state)',
    )
    .option(
      '--webhook-url <url>',
      'subscribe the default integration to every webhook event type, verified at once',
    )
    .option(
      '--webhook-aggregate-ms <ms>',
      'window over which frequent webhook events of one entity are aggregated',
      '2000',
    )
    .option(
      '--oauth-client <id:secret:redirect-uri>',
      'register a public integration for OAuth (repeatable)',
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option(
      '--oauth-token-lifetime <duration>',
      'OAuth access tokens answer 401 this long after issue (e.g. 1h; default never)',
    )
    .option('--oauth-expires-in', 'send expires_in in OAuth token responses (Notion sends none)')
    .action((flags: EmulatorFlags) => runEmulator(context(), flags));
}
