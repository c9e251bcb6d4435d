// Local edits on the store target (`engine.records`, `notion-sync set|new|rm`). Invariants:
// - every edit commits a `local` version AND its outbox row in one transaction (store);
// - the outbox payload is `{ set }`, the properties the local side changed, keyed by property id
//   and accumulated over edits a still-pending item absorbs — push merges exactly those, so an
//   edit made between two pulls is never lost and never reverts a Notion change it did not touch;
// - values are checked against the source's schema snapshot first: nothing half-written.
import { isFolderTarget, type SourceConfig } from '../config/index.ts';
import { NotionSyncError } from '../errors.ts';
import { hashValue, parseNotionId } from '../shared/index.ts';
import { keepLocalFiles } from './files/local-files.ts';
import { checkLocalValues } from './property-input.ts';
import type {
  CreateOptions,
  LocalEdit,
  LocalValues,
  ParentPage,
  RecordsApi,
  UpdateOptions,
} from './push/push-types.ts';
import type { JsonValue, Source, Store, StoreRecord } from './store-api.ts';
import { unknownSourceError } from './unknown-source.ts';

export interface OutboxPayload {
  set: Record<string, JsonValue>;
  /** The local page body (Markdown) to merge into Notion's; absent when the body is untouched. */
  content?: string;
  /** The version the edit was made against, when not the record's base (see UpdateOptions). */
  base?: number;
  /** Take the page out of Notion's trash before writing (a remote delete resolved `local`). */
  restore?: boolean;
  /** Page trees: the page to create the page under, or to move it to. */
  parent?: ParentPage;
}

function parentOf(value: JsonValue | undefined): ParentPage | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (typeof value.pageId === 'string') return { pageId: value.pageId };
  if (typeof value.localKey === 'string') return { localKey: value.localKey };
  return undefined;
}

/** Reads an outbox payload written by `records` (older shapes count as empty). */
export function payloadOf(value: JsonValue): OutboxPayload {
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  const set = obj.set && typeof obj.set === 'object' && !Array.isArray(obj.set) ? obj.set : {};
  const parent = parentOf(obj.parent);
  return {
    set: set as Record<string, JsonValue>,
    ...(typeof obj.content === 'string' ? { content: obj.content } : {}),
    ...(typeof obj.base === 'number' ? { base: obj.base } : {}),
    ...(obj.restore === true ? { restore: true } : {}),
    ...(parent ? { parent } : {}),
  };
}

export interface RecordsDeps {
  store: Store;
  sources: SourceConfig[];
  /** The stored source (schema snapshot); resolves it through Notion when never pulled. */
  loadSource(config: SourceConfig): Promise<Source>;
  /** Recorded on every local edit's version: who made it (`cli`, `api`, `mcp`, …). */
  trigger: string;
}

/** The configured source that may take local edits; `usage` otherwise. */
export function editableSource(sources: SourceConfig[], name: string): SourceConfig {
  const config = sources.find((s) => s.name === name);
  if (!config) throw unknownSourceError(name, sources);
  // A page tree takes local edits from its folder target only (titles, new pages, moves).
  if ((config.direction ?? 'pull') === 'pull' || (config.page && !isFolderTarget(config.target))) {
    throw new NotionSyncError(
      'usage',
      `Source "${name}" is pull-only: local edits are never sent to Notion. Set \`direction: both\` (or push) on a database source, or on a page tree with a folder target, to edit it locally.`,
      { details: { source: name } },
    );
  }
  return config;
}

/** The live record `ref` (page id, URL or local key) names in `source`; `store_not_found` / `store_invalid_state`. */
export async function findRecord(store: Store, source: Source, ref: string): Promise<StoreRecord> {
  const pageId = parseNotionId(ref);
  const byPage = pageId ? await store.records.findByPageId(source.id, pageId) : null;
  const record =
    byPage ?? (await store.records.findByKey(ref)).find((r) => r.sourceId === source.id) ?? null;
  if (!record) {
    throw new NotionSyncError(
      'store_not_found',
      `No row "${ref}" in source "${source.name}": give a page id or URL, or the local key \`notion-sync new\` printed.`,
      { details: { source: source.name, ref } },
    );
  }
  if (record.tombstone !== null) {
    throw new NotionSyncError(
      'store_invalid_state',
      `Row "${ref}" of source "${source.name}" is deleted (${record.tombstone}); restore it in Notion and pull first.`,
      { details: { source: source.name, ref, tombstone: record.tombstone } },
    );
  }
  return record;
}

/** Fields of the record's current version (the agreed state, or its pending local edit). */
export async function currentFields(
  store: Store,
  record: StoreRecord,
): Promise<Record<string, JsonValue>> {
  if (record.currentVersionId === null) return {};
  return (await store.history.getVersionById(record.currentVersionId))?.fields ?? {};
}

/** The payload of a pending item that will absorb the next edit (the store picks the same one). */
async function pendingPayload(store: Store, record: StoreRecord): Promise<OutboxPayload> {
  const pending = await store.outbox.list({ sourceId: record.sourceId, state: 'pending' });
  const absorbing = pending
    .filter((i) => i.recordId === record.id && i.op !== 'delete')
    .sort((a, b) => b.id - a.id)[0];
  return absorbing ? payloadOf(absorbing.payload) : { set: {} };
}

/**
 * A page tree's record sits where the local side put it from the edit on (so its file stays
 * there); push moves the page. A parent not yet in Notion is set when push creates it.
 */
async function placeUnder(store: Store, record: StoreRecord, parent: ParentPage | undefined) {
  if (parent && 'pageId' in parent && record.parentId !== parent.pageId)
    await store.records.setParent(record.id, parent.pageId);
}

/** The body a local edit carries, refused for a source that keeps no content. */
function contentOf(
  sources: SourceConfig[],
  name: string,
  options: { content?: string },
): { content?: string } {
  if (options.content === undefined) return {};
  const config = sources.find((s) => s.name === name);
  if ((config?.content ?? (config?.page ? 'markdown' : 'none')) !== 'markdown') {
    throw new NotionSyncError(
      'value_invalid',
      `Source "${name}" keeps no page content, so a page body cannot be pushed: set \`content: markdown\` on the source (and pull) to edit bodies locally.`,
      { details: { source: name } },
    );
  }
  return { content: options.content };
}

/** `engine.records`: create, update and delete rows locally; push sends them. */
export function createRecordsApi(deps: RecordsDeps): RecordsApi {
  const { store } = deps;
  const prepare = async (name: string) => deps.loadSource(editableSource(deps.sources, name));
  const done = (r: {
    record: StoreRecord;
    version: LocalEdit['version'];
    outbox: { id: number; state: string };
  }): LocalEdit => ({
    record: r.record,
    version: r.version,
    outboxId: r.outbox.id,
    ...(r.outbox.state === 'dropped' ? { cancelled: true as const } : {}),
  });

  return {
    async create(name: string, values: LocalValues, options: CreateOptions = {}) {
      const source = await prepare(name);
      const body = contentOf(deps.sources, name, options);
      const set = checkLocalValues(
        source.schema,
        await keepLocalFiles(store, source.schema, values),
      );
      const result = await store.local.createRecord({
        sourceId: source.id,
        ...(options.localKey !== undefined ? { localKey: options.localKey } : {}),
        fields: set,
        hash: hashValue({ local: set, ...body }),
        ...body,
        payload: { set, ...body, ...(options.parent ? { parent: options.parent } : {}) },
        provenance: { trigger: deps.trigger },
      });
      await placeUnder(store, result.record, options.parent);
      return done(result);
    },

    async update(name: string, ref: string, values: LocalValues, options: UpdateOptions = {}) {
      const source = await prepare(name);
      const body = contentOf(deps.sources, name, options);
      const set = checkLocalValues(
        source.schema,
        await keepLocalFiles(store, source.schema, values),
      );
      const record = await findRecord(store, source, ref);
      // An absorbed edit keeps the pending item's `restore` (a resolved remote delete) and base.
      const pending = await pendingPayload(store, record);
      const base =
        pending.base === undefined && options.baseVersionId !== undefined
          ? { base: options.baseVersionId }
          : {};
      const accumulated = { ...pending.set, ...set };
      const fields = { ...(await currentFields(store, record)), ...accumulated };
      const result = await store.local.appendVersion({
        recordId: record.id,
        fields,
        hash: hashValue({ local: fields, ...(body.content !== undefined ? body : {}) }),
        ...body,
        payload: {
          ...pending,
          set: accumulated,
          ...body,
          ...base,
          ...(options.parent ? { parent: options.parent } : {}),
        } as unknown as JsonValue,
        provenance: { trigger: deps.trigger },
      });
      await placeUnder(store, result.record, options.parent);
      return done(result);
    },

    async delete(name: string, ref: string) {
      const source = await prepare(name);
      const record = await findRecord(store, source, ref);
      const fields = await currentFields(store, record);
      const result = await store.local.appendVersion({
        recordId: record.id,
        op: 'delete',
        fields,
        hash: hashValue({ local: fields, deleted: true }),
        payload: { set: {} },
        provenance: { trigger: deps.trigger },
      });
      return done(result);
    },
  };
}
