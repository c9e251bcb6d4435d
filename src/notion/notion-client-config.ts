import type { Config } from '../config/index.ts';
import { NotionSyncError } from '../errors.ts';
import type { NotionClientOptions } from './notion-client.ts';

/**
 * Client options from the `notion.*` keys of a loaded config (token from NOTION_TOKEN, base URL,
 * version, pacing, timeout, retries); `extra` adds what config does not hold (fetch, clock,
 * logger). Throws `notion_unauthorized` when no token is configured.
 */
export function notionClientOptionsFromConfig(
  config: Pick<Config, 'notion'>,
  extra: Partial<NotionClientOptions> = {},
): NotionClientOptions {
  const notion = config.notion;
  const { token: _given, ...rest } = extra;
  if (extra.tokenSource) return { ...fromConfig(notion), ...rest };
  const token = extra.token ?? notion.token;
  if (!token) {
    throw new NotionSyncError(
      'notion_unauthorized',
      'NOTION_TOKEN is not set: create an internal integration (Notion → Settings → Connections → Develop or manage integrations), share your pages with it, and export its secret as NOTION_TOKEN.',
      { details: { env: 'NOTION_TOKEN' } },
    );
  }
  return { ...fromConfig(notion), ...rest, token };
}

function fromConfig(notion: Config['notion']): Omit<NotionClientOptions, 'token'> {
  return {
    baseUrl: notion.baseUrl,
    notionVersion: notion.version,
    pacing: {
      requestsPerSecond: notion.requestsPerSecond,
      burst: notion.burst,
      maxInFlight: notion.maxInFlight,
    },
    timeoutMs: notion.timeoutMs,
    maxRetries: notion.maxRetries,
  };
}
