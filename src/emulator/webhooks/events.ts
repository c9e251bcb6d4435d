import type { JsonObject } from '../state.ts';

/** Every event type the emulator delivers (notion-api.md §8.4). */
export const WEBHOOK_EVENT_TYPES = [
  'page.created',
  'page.properties_updated',
  'page.content_updated',
  'page.moved',
  'page.deleted',
  'page.undeleted',
  'page.locked',
  'page.unlocked',
  'database.created',
  'database.content_updated',
  'database.schema_updated',
  'database.moved',
  'database.deleted',
  'database.undeleted',
  'data_source.created',
  'data_source.content_updated',
  'data_source.schema_updated',
  'data_source.moved',
  'data_source.deleted',
  'data_source.undeleted',
  'comment.created',
  'comment.updated',
  'comment.deleted',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Types Notion batches over a short window; lock changes and comments go out one by one. */
export function isAggregated(type: string): boolean {
  return !type.startsWith('comment.') && type !== 'page.locked' && type !== 'page.unlocked';
}

export interface EventAuthor {
  id: string;
  type: 'person' | 'bot';
}

/** Something that happened in the workspace, before it is addressed to a subscription. */
export interface WorkspaceEvent {
  type: WebhookEventType;
  entity: { id: string; type: 'page' | 'database' | 'data_source' | 'comment' };
  data: JsonObject;
  authors: EventAuthor[];
  /** Epoch ms on the emulator's clock. */
  timestamp: number;
  /** The object whose sharing decides who may hear of the event (a comment's page). */
  visibilityId: string;
}

function unionBy<T>(a: readonly T[], b: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map(a.map((item) => [key(item), item]));
  for (const item of b) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/** Folds a later event of the same type and entity into an earlier one (aggregation). */
export function mergeEvents(into: WorkspaceEvent, later: WorkspaceEvent): void {
  into.authors = unionBy(into.authors, later.authors, (a) => a.id);
  into.timestamp = Math.max(into.timestamp, later.timestamp);
  into.data = { ...into.data, parent: later.data.parent ?? into.data.parent ?? null };
  for (const key of ['updated_properties', 'updated_blocks'] as const) {
    const before = into.data[key];
    const after = later.data[key];
    if (!Array.isArray(before) || !Array.isArray(after)) continue;
    into.data[key] = unionBy(before, after, (item) => JSON.stringify(item));
  }
}
