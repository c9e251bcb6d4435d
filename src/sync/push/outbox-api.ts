// The outbox as the engine offers it (`engine.outbox`, `notion-sync outbox`, `push --retry-dead`;
// the console, janitor and MCP use the same API). Invariants:
// - nothing here talks to Notion: requeue makes items due for the next push, drop settles them
//   locally, edit rewrites what the next push sends;
// - an edit is checked against the source's schema snapshot exactly like `set`;
// - a drop never rewrites history: the dropped local version stays as an audit record, and the
//   record's current version goes back to what Notion has as far as the store knows (the base
//   version; a create that never reached Notion tombstones the record `missing`).
import { NotionSyncError } from '../../errors.ts';
import { hashValue } from '../../shared/index.ts';
import { keepLocalFiles } from '../files/local-files.ts';
import { checkLocalValues, findProperty } from '../property-input.ts';
import { payloadOf } from '../records-api.ts';
import type { JsonValue, OutboxItem, Source, Store, StoreRecord } from '../store-api.ts';
import type { LocalValues } from './push-types.ts';

/** `open`: pending, in flight or dead — everything not settled. */
export type OutboxListState = OutboxItem['state'] | 'open' | 'all';

export interface OutboxEntry {
  item: OutboxItem;
  source: string;
  pageId: string | null;
  localKey: string;
  /** What push will write, by property name. */
  values: Record<string, JsonValue>;
  /** The page is taken out of Notion's trash first (a remote delete resolved `local`). */
  restore: boolean;
}

export interface OutboxDropped {
  entry: OutboxEntry;
  /** What the record became: `reverted` to Notion's state, `tombstoned` (never reached Notion), or `kept` (another edit of it waits). */
  record: 'reverted' | 'tombstoned' | 'kept';
}

export interface OutboxApi {
  list(options?: { source?: string; state?: OutboxListState }): Promise<OutboxEntry[]>;
  show(outboxId: number): Promise<OutboxEntry>;
  /**
   * Makes items due at the next push: dead ones get fresh attempts, pending ones waiting for a
   * retry lose their backoff. `all` takes every unsent item (of `source`; dead only with `deadOnly`).
   */
  requeue(
    target: number[] | 'all',
    options?: { source?: string; deadOnly?: boolean },
  ): Promise<OutboxEntry[]>;
  /** Drops pending or dead items without sending them (see the file comment). */
  drop(outboxIds: number[]): Promise<OutboxDropped[]>;
  /**
   * Rewrites the values a pending or dead create/update sends (checked like `set`) and makes it
   * due now; `unset` removes properties from what it sends.
   */
  edit(outboxId: number, values: LocalValues, options?: { unset?: string[] }): Promise<OutboxEntry>;
}

const OPEN = new Set(['pending', 'in_flight', 'dead']);

function usage(message: string, details: Record<string, unknown> = {}): NotionSyncError {
  return new NotionSyncError('usage', message, { details });
}

export function createOutboxApi(store: Store): OutboxApi {
  const sources = new Map<number, Source | null>();
  const sourceOf = async (id: number) => {
    if (!sources.has(id)) sources.set(id, await store.sources.get(id));
    return sources.get(id) ?? null;
  };

  async function entryOf(item: OutboxItem, record?: StoreRecord | null): Promise<OutboxEntry> {
    const source = await sourceOf(item.sourceId);
    const rec = record ?? (await store.records.get(item.recordId));
    const payload = payloadOf(item.payload);
    const names = source?.schema.properties ?? {};
    return {
      item,
      source: source?.name ?? String(item.sourceId),
      pageId: rec?.pageId ?? null,
      localKey: rec?.localKey ?? item.syncKey,
      values: Object.fromEntries(
        Object.entries(payload.set).map(([id, v]) => [names[id]?.name ?? id, v]),
      ),
      restore: payload.restore === true,
    };
  }

  async function mustGet(outboxId: number): Promise<OutboxItem> {
    const item = await store.outbox.get(outboxId);
    if (!item) {
      throw new NotionSyncError(
        'store_not_found',
        `No outbox item #${outboxId}; list them with \`notion-sync outbox list --state all\`.`,
        { details: { outboxId } },
      );
    }
    return item;
  }

  async function sourceIdOf(name: string | undefined): Promise<number | undefined | null> {
    if (name === undefined) return undefined;
    return (await store.sources.getByName(name))?.id ?? null;
  }

  return {
    async list(options = {}) {
      const sourceId = await sourceIdOf(options.source);
      if (sourceId === null) return [];
      const state = options.state ?? 'open';
      const items = await store.outbox.list({
        ...(sourceId !== undefined ? { sourceId } : {}),
        ...(state !== 'open' && state !== 'all' ? { state } : {}),
      });
      const shown = state === 'open' ? items.filter((i) => OPEN.has(i.state)) : items;
      return Promise.all(shown.map((i) => entryOf(i)));
    },

    async show(outboxId) {
      return entryOf(await mustGet(outboxId));
    },

    async requeue(target, options = {}) {
      if (target !== 'all' && target.length === 0)
        throw usage(
          'Name the outbox items to requeue (ids from `notion-sync outbox list`), or --all.',
        );
      if (target !== 'all') for (const id of target) await mustGet(id);
      const sourceId = await sourceIdOf(options.source);
      if (sourceId === null) return [];
      const ids = await store.outbox.requeue({
        ...(sourceId !== undefined ? { sourceId } : {}),
        ...(target !== 'all' ? { ids: target } : {}),
        ...(options.deadOnly ? { deadOnly: true } : {}),
      });
      return Promise.all(ids.map(async (id) => entryOf(await mustGet(id))));
    },

    async drop(outboxIds) {
      if (outboxIds.length === 0)
        throw usage('Name the outbox items to drop (ids from `notion-sync outbox list`).');
      const out: OutboxDropped[] = [];
      for (const id of outboxIds) {
        const before = await store.records.get((await mustGet(id)).recordId);
        const dropped = await store.outbox.drop(id);
        const after = dropped.record;
        out.push({
          entry: await entryOf(dropped.outbox, after),
          record:
            after.tombstone !== null && before?.tombstone === null
              ? 'tombstoned'
              : after.currentVersionId !== before?.currentVersionId
                ? 'reverted'
                : 'kept',
        });
      }
      return out;
    },

    async edit(outboxId, values, options = {}) {
      const item = await mustGet(outboxId);
      if (item.op === 'delete') {
        throw usage(
          `Outbox item #${outboxId} deletes a row; it has no values to edit — requeue or drop it.`,
          { outboxId },
        );
      }
      const source = await sourceOf(item.sourceId);
      const record = await store.records.get(item.recordId);
      if (!source || !record) throw usage(`Outbox item #${outboxId} has no source or row left.`);
      const kept = await keepLocalFiles(store, source.schema, values);
      const set = { ...payloadOf(item.payload).set, ...checkLocalValues(source.schema, kept) };
      const base =
        record.baseVersionId !== null
          ? ((await store.history.getVersionById(record.baseVersionId))?.fields ?? {})
          : {};
      const current =
        record.currentVersionId !== null
          ? ((await store.history.getVersionById(record.currentVersionId))?.fields ?? {})
          : {};
      const fields = { ...current, ...set };
      for (const name of options.unset ?? []) {
        const property = findProperty(source.schema, name);
        delete set[property.id];
        if (property.id in base) fields[property.id] = base[property.id]!;
        else delete fields[property.id];
      }
      const payload = { ...payloadOf(item.payload), set };
      const rewritten = await store.outbox.rewrite({
        outboxId,
        fields,
        hash: hashValue({ local: fields }),
        payload: payload as unknown as JsonValue,
        provenance: { trigger: 'local' },
      });
      return entryOf(rewritten.outbox, record);
    },
  };
}
