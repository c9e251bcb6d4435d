// What a (coalesced) webhook event asks the runner to do. Events are hints: a page event
// refreshes that page in every source it is or was in (a stored record, or a parent that is
// the source); a data source or database event on a configured source pulls it (which stores
// its schema first, so `schema_updated` refreshes the schema); anything else — comments, file
// uploads, views, entities in no configured source — is recorded and ignored.
import type { Job } from '../../runner/index.ts';
import type { Source, Store } from '../../store/index.ts';
import type { WebhookSource } from './connections.ts';
import type { WebhookEnvelope } from './envelope.ts';

const bare = (id: string | null | undefined) => (id ?? '').replace(/-/g, '').toLowerCase();
const same = (a: string | null | undefined, b: string | null | undefined) =>
  bare(a) !== '' && bare(a) === bare(b);

interface EventParent {
  id?: string;
  type?: string;
  data_source_id?: string;
}

async function pageSources(
  store: Store,
  event: WebhookEnvelope,
  sources: Source[],
): Promise<Source[]> {
  const parent = (event.data?.parent ?? {}) as EventParent;
  const storedIn = new Set((await store.records.findByKey(event.entity.id)).map((r) => r.sourceId));
  const parentIn =
    parent.type === 'page' && parent.id
      ? new Set((await store.records.findByKey(parent.id)).map((r) => r.sourceId))
      : new Set<number>();
  return sources.filter((s) => {
    if (storedIn.has(s.id)) return true;
    if (s.kind === 'data_source')
      return (
        same(parent.data_source_id, s.notionId) ||
        (parent.type === 'database' && !parent.data_source_id && same(parent.id, s.databaseId))
      );
    return parent.type === 'page' && (same(parent.id, s.notionId) || parentIn.has(s.id));
  });
}

/** The jobs for the newest event of one entity; `trigger` names that event. */
export async function planEvent(
  store: Store,
  event: WebhookEnvelope,
  /** The sources of the connections the event is for. */
  owned: readonly WebhookSource[],
): Promise<Job[]> {
  const names = new Set(owned.map((s) => s.name));
  const sources = (await store.sources.list()).filter((s) => names.has(s.name));
  const trigger = `webhook:${event.id}`;
  const [family] = event.type.split('.');
  if (family === 'page' && event.entity.type === 'page') {
    const found = await pageSources(store, event, sources);
    return found.map((s) => ({
      kind: 'refresh',
      source: s.name,
      pageIds: [event.entity.id],
      trigger,
    }));
  }
  if (family === 'data_source' || family === 'database') {
    const found = sources.filter(
      (s) =>
        s.kind === 'data_source' &&
        (same(event.entity.id, s.notionId) || same(event.entity.id, s.databaseId)),
    );
    // Only sources Notion is the source of for reads: a push-only source is never pulled.
    return found
      .filter((s) => owned.find((c) => c.name === s.name)?.direction !== 'push')
      .map((s) => ({ kind: 'pull', source: s.name, trigger }));
  }
  return [];
}
