// Which connection a webhook URL belongs to, and which connections an event is for — in one
// place. Each token connection (an internal integration: `default` from NOTION_TOKEN and every
// `connections[]` entry) has a webhook subscription of its own, at /webhooks/notion/<name>
// (/webhooks/notion for `default`). A public integration has ONE subscription for all its
// installations (Notion sends every installation's events there, naming the workspace and the
// bots that can see the entity in `accessible_by`): its URL is /webhooks/notion/oauth and an
// event received there is for each installation whose workspace and bot it names.
import type { SourceConfig } from '../../config/index.ts';
import { NotionSyncError } from '../../errors.ts';
import { findClosest } from '../../shared/index.ts';
// The default connection's name is the engine's (src/sync/connections/connection-clients.ts).
import { DEFAULT_CONNECTION } from '../../sync/index.ts';
import type { WebhookEnvelope } from './envelope.ts';

export { DEFAULT_CONNECTION };

/** The URL name of the public integration's subscription: /webhooks/notion/oauth. */
export const OAUTH_WEBHOOK_CONNECTION = 'oauth';

/** A source a connection owns: a push-only one is never pulled for an event. */
export interface WebhookSource {
  name: string;
  direction?: SourceConfig['direction'];
}

export interface WebhookConnection {
  name: string;
  /** The sources the connection owns (configured and imported). */
  sources: readonly WebhookSource[];
  /** An OAuth installation: reached through /webhooks/notion/oauth, not a URL of its own. */
  installation?: boolean;
  /** Known once an installation tells us: events naming another integration are not its. */
  integrationId?: string;
  workspaceId?: string;
  /**
   * The Notion user who installed an OAuth connection: a public integration's event names, in
   * `accessible_by`, the users whose installations can see the entity (notion-api.md §8.3).
   */
  ownerUserId?: string;
}

/** The connection a `/webhooks/notion[/<name>]` URL names; `connection_not_found` otherwise. */
export function connectionForUrl(
  name: string | undefined,
  connections: readonly WebhookConnection[],
): WebhookConnection {
  const wanted = name ?? DEFAULT_CONNECTION;
  const addressable = connections.filter((c) => !c.installation);
  const found = addressable.find((c) => c.name === wanted);
  if (found) return found;
  const closest = findClosest(
    wanted,
    addressable.map((c) => c.name),
  );
  throw new NotionSyncError(
    'connection_not_found',
    `No webhook URL for "${wanted}"${closest ? ` — did you mean "${closest}"?` : ''}; webhook URLs are /webhooks/notion (the default connection), /webhooks/notion/<connection> (a token connection) and /webhooks/notion/oauth (the public integration's installations).`,
    { details: { connection: wanted } },
  );
}

/**
 * Whether an event received at `connection`'s URL is for that connection: its integration and
 * workspace must match what is known of the connection, and for a public integration with
 * several users in one workspace the connection's installer must be among `accessible_by`.
 */
export function isEventForConnection(
  event: WebhookEnvelope,
  connection: WebhookConnection,
): boolean {
  if (
    connection.integrationId &&
    event.integration_id &&
    event.integration_id !== connection.integrationId
  )
    return false;
  if (connection.workspaceId && event.workspace_id && event.workspace_id !== connection.workspaceId)
    return false;
  if (
    connection.ownerUserId &&
    event.accessible_by &&
    !event.accessible_by.some((a) => a.id === connection.ownerUserId)
  )
    return false;
  return true;
}

/**
 * The connections an event received at `at`'s URL is for: the connection itself (when the event
 * is its), or — at the public integration's URL — every installation the event names.
 */
export function recipientsOf(
  event: WebhookEnvelope,
  at: WebhookConnection,
  connections: readonly WebhookConnection[],
): WebhookConnection[] {
  const candidates =
    at.name === OAUTH_WEBHOOK_CONNECTION ? connections.filter((c) => c.installation) : [at];
  return candidates.filter((c) => isEventForConnection(event, c));
}

/**
 * The webhook URLs a server answers, from its config alone (no I/O, so a forged request costs no
 * query): `default`, each token connection of `connections:`, and `oauth` with a public
 * integration. Installations have no URL of their own.
 */
export function webhookUrlsOf(
  connections: readonly { name: string }[],
  hasPublicIntegration: boolean,
): WebhookConnection[] {
  return [
    { name: DEFAULT_CONNECTION, sources: [] },
    ...connections.map((c) => ({ name: c.name, sources: [] })),
    ...(hasPublicIntegration ? [{ name: OAUTH_WEBHOOK_CONNECTION, sources: [] }] : []),
  ];
}

/** What an engine connection listing looks like to the webhook routes. */
export interface ListedConnection {
  name: string;
  kind: 'env' | 'oauth';
  status: string;
  ownerUserId: string | null;
  workspaceId: string | null;
  /** Names of the connection's sources. */
  sources: readonly string[];
}

/**
 * The webhook connections of an engine's listing: every token connection, and — when the
 * server has a public integration (`oauth`) — its URL plus each active installation.
 */
export function webhookConnectionsOf(
  listed: readonly ListedConnection[],
  configured: readonly WebhookSource[],
  hasPublicIntegration: boolean,
): WebhookConnection[] {
  const direction = new Map(configured.map((s) => [s.name, s.direction]));
  const sourcesOf = (c: ListedConnection): WebhookSource[] =>
    c.sources.map((name) => {
      const d = direction.get(name);
      return d ? { name, direction: d } : { name };
    });
  const out: WebhookConnection[] = [];
  for (const c of listed) {
    if (c.kind === 'env') out.push({ name: c.name, sources: sourcesOf(c) });
    else if (c.status === 'active')
      out.push({
        name: c.name,
        sources: sourcesOf(c),
        installation: true,
        ...(c.ownerUserId ? { ownerUserId: c.ownerUserId } : {}),
        ...(c.workspaceId ? { workspaceId: c.workspaceId } : {}),
      });
  }
  if (!out.some((c) => c.name === DEFAULT_CONNECTION))
    out.unshift({ name: DEFAULT_CONNECTION, sources: [] });
  if (hasPublicIntegration) out.push({ name: OAUTH_WEBHOOK_CONNECTION, sources: [] });
  return out;
}
