// The conflict queue as the engine offers it (`engine.conflicts`, `notion-sync conflicts`).
// Invariants: resolving never writes to Notion directly — `notion` only records the choice
// (Notion already holds that value), `local` and `value` queue a local edit (version + outbox
// row, one transaction) that the next push merges like any other edit; a resolved conflict is
// never reopened by its own resolution.
import { NotionSyncError } from '../../errors.ts';
import type { PlainValue } from '../../notion/index.ts';
import { hashValue } from '../../shared/index.ts';
import { refuseLocalFiles } from '../files/local-files.ts';
import { checkLocalValues, parsePropertyText } from '../property-input.ts';
import { currentFields } from '../records-api.ts';
import type { Conflict, JsonValue, SourceSchema, Store } from '../store-api.ts';
import { BODY_PROPERTY_ID } from './content/body-push.ts';
import type { ConflictDetail, ConflictsApi } from './push-types.ts';

/** A whole-page conflict's values keyed by property id (stored by name; older rows by id). */
function byId(schema: SourceSchema, value: JsonValue): Record<string, JsonValue> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const properties = Object.values(schema.properties);
  const out: Record<string, JsonValue> = {};
  for (const [key, v] of Object.entries(value)) {
    const property = properties.find((p) => p.name === key) ?? schema.properties[key];
    if (property) out[property.id] = v;
  }
  return out;
}

/** Object values keyed by property id shown by name (conflicts parked by older versions). */
function byName(schema: SourceSchema | undefined, value: JsonValue | null): JsonValue | null {
  if (!schema || !value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [schema.properties[k]?.name ?? k, v]),
  );
}

async function detailOf(store: Store, stored: Conflict): Promise<ConflictDetail> {
  const record = await store.records.get(stored.recordId);
  const source = record ? await store.sources.get(record.sourceId) : null;
  const conflict =
    stored.propertyId === '__page__'
      ? {
          ...stored,
          notionValue: byName(source?.schema, stored.notionValue),
          localValue: byName(source?.schema, stored.localValue),
        }
      : stored;
  return {
    conflict,
    source: source?.name ?? '?',
    pageId: record?.pageId ?? null,
    localKey: record?.localKey ?? '',
  };
}

async function mustGet(store: Store, conflictId: number): Promise<Conflict> {
  const conflict = await store.conflicts.get(conflictId);
  if (!conflict) {
    throw new NotionSyncError(
      'store_not_found',
      `No conflict with id ${conflictId}; list them with \`notion-sync conflicts\`.`,
      { details: { conflictId } },
    );
  }
  return conflict;
}

/** Queues the chosen value as a local edit of the conflict's record. */
async function queueLocal(store: Store, conflict: Conflict, value: JsonValue): Promise<void> {
  const record = (await store.records.get(conflict.recordId))!;
  const current = await currentFields(store, record);
  if (conflict.propertyId === '__page__') {
    if (value === 'deleted') {
      await store.local.appendVersion({
        recordId: record.id,
        op: 'delete',
        fields: current,
        hash: hashValue({ local: current, deleted: true }),
        payload: { set: {} },
      });
      return;
    }
    const source = await store.sources.get(record.sourceId);
    const set = byId(source?.schema ?? { properties: {} }, value);
    const fields = { ...current, ...set };
    await store.local.appendVersion({
      recordId: record.id,
      fields,
      hash: hashValue({ local: fields }),
      payload: { set, restore: true },
    });
    return;
  }
  if (conflict.propertyId === BODY_PROPERTY_ID) {
    const content = typeof value === 'string' ? value : '';
    await store.local.appendVersion({
      recordId: record.id,
      fields: current,
      content,
      hash: hashValue({ local: current, content }),
      payload: { set: {}, content },
    });
    return;
  }
  const fields = { ...current, [conflict.propertyId]: value };
  await store.local.appendVersion({
    recordId: record.id,
    fields,
    hash: hashValue({ local: fields }),
    payload: { set: { [conflict.propertyId]: value } },
  });
}

async function chosenValue(
  store: Store,
  conflict: Conflict,
  value: PlainValue | string,
): Promise<JsonValue> {
  const record = (await store.records.get(conflict.recordId))!;
  const source = (await store.sources.get(record.sourceId))!;
  const property = source.schema.properties[conflict.propertyId];
  if (!property) {
    throw new NotionSyncError(
      'value_invalid',
      `Conflict ${conflict.id} is about "${conflict.propertyName}", which takes no value: use --take notion or --take local.`,
      { details: { conflictId: conflict.id } },
    );
  }
  const plain = typeof value === 'string' ? parsePropertyText(property, value) : value;
  refuseLocalFiles({ [property.name]: plain }, 'resolving a conflict');
  return checkLocalValues(source.schema, { [property.name]: plain })[property.id] ?? null;
}

/** `engine.conflicts`: list, show and resolve conflicts. */
export function createConflictsApi(store: Store): ConflictsApi {
  return {
    async list(options = {}) {
      let sourceId: number | undefined;
      if (options.source) {
        const source = await store.sources.getByName(options.source);
        if (!source) return [];
        sourceId = source.id;
      }
      const conflicts = await store.conflicts.list({
        ...(sourceId !== undefined ? { sourceId } : {}),
        state: options.state ?? 'open',
      });
      return Promise.all(conflicts.map((c) => detailOf(store, c)));
    },

    async get(conflictId) {
      return detailOf(store, await mustGet(store, conflictId));
    },

    async resolve(conflictId, choice, resolvedBy = 'cli') {
      const conflict = await mustGet(store, conflictId);
      if (conflict.state !== 'open') {
        throw new NotionSyncError(
          'store_invalid_state',
          `Conflict ${conflictId} is already resolved (${conflict.resolution}); list open ones with \`notion-sync conflicts\`.`,
          { details: { conflictId } },
        );
      }
      const value =
        choice.take === 'value'
          ? await chosenValue(store, conflict, choice.value)
          : choice.take === 'local'
            ? conflict.localValue
            : conflict.notionValue;
      // The edit is queued first: a failure in between leaves the conflict open, never lost.
      if (choice.take !== 'notion') await queueLocal(store, conflict, value);
      const resolved = await store.conflicts.resolve(conflictId, {
        take: choice.take,
        ...(choice.take === 'value' ? { value } : {}),
        resolvedBy,
      });
      return detailOf(store, resolved);
    },
  };
}
