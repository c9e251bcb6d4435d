// Which connection a webhook URL belongs to, and which connections an event is for — in one
// place, so named connections (OAuth installations) plug in here later. Today there is one
// connection, `default` (NOTION_TOKEN), at /webhooks/notion; it owns every configured source.
import { NotionSyncError } from '../../errors.ts';
import { findClosest } from '../../shared/index.ts';
import type { WebhookEnvelope } from './envelope.ts';

export const DEFAULT_CONNECTION = 'default';

export interface WebhookConnection {
  name: string;
  /** Known once an installation tells us: events naming another integration are not its. */
  integrationId?: string;
  workspaceId?: string;
  /** The bot's user id (public integrations): must be in `accessible_by` when that is given. */
  botId?: string;
}

/** The connection a `/webhooks/notion[/<name>]` URL names; `connection_not_found` otherwise. */
export function connectionForUrl(
  name: string | undefined,
  connections: readonly WebhookConnection[],
): WebhookConnection {
  const wanted = name ?? DEFAULT_CONNECTION;
  const found = connections.find((c) => c.name === wanted);
  if (found) return found;
  const closest = findClosest(
    wanted,
    connections.map((c) => c.name),
  );
  throw new NotionSyncError(
    'connection_not_found',
    `No connection named "${wanted}"${closest ? ` — did you mean "${closest}"?` : ''}; webhook URLs are /webhooks/notion (the default connection) or /webhooks/notion/<connection>.`,
    { details: { connection: wanted } },
  );
}

/**
 * Whether an event received at `connection`'s URL is for that connection: its integration and
 * workspace must match what is known of the connection, and for a public integration with
 * several users in one workspace the connection's bot must be among `accessible_by`.
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
    connection.botId &&
    event.accessible_by &&
    !event.accessible_by.some((a) => a.id === connection.botId)
  )
    return false;
  return true;
}
