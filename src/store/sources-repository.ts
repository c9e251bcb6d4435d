// Sources and their schema snapshots. The snapshot is keyed by Notion property id, so a renamed
// property keeps its identity (and its history); every detected change is appended to
// schema_changes in the same transaction that stores the new snapshot and rebuilds the views.
// A source's resolved Notion id never changes under it: an upsert with another id is refused
// (`source_rebound`) — treating the old rows as deleted would tombstone a whole history.

import type { Insertable, Kysely } from 'kysely';
import { NotionSyncError } from '../errors.ts';
import { hashValue } from '../shared/index.ts';
import { toJsonText, toNullableJsonText } from './json-columns.ts';
import type { RepositoryContext } from './repository-context.ts';
import { toSchemaChange, toSource } from './row-mappers.ts';
import type { Database, SourcesTable } from './schema.ts';
import { type DetachSourceResult, detachSourceIn, sourceReboundError } from './source-detach.ts';
import { rebuildSourceViews, VIEW_FORMAT } from './source-views.ts';
import type {
  AccessState,
  SchemaChange,
  Source,
  SourceKind,
  SourceSchema,
  SyncDirection,
} from './store-types.ts';

export interface UpsertSourceInput {
  name: string;
  kind: SourceKind;
  /** Resolved Notion id: the data source id, or the root page id of a page tree. */
  notionId: string;
  databaseId?: string | null;
  connectionId?: number | null;
  direction?: SyncDirection;
  /** The current Notion schema; omitted keeps the stored one. */
  schema?: SourceSchema;
  runId?: number | null;
}

export interface UpsertSourceResult {
  source: Source;
  created: boolean;
  /** Changes against the previously stored schema (empty on creation). */
  schemaChanges: SchemaChange[];
}

export interface SourcesRepository {
  upsert(input: UpsertSourceInput): Promise<UpsertSourceResult>;
  get(id: number): Promise<Source | null>;
  getByName(name: string): Promise<Source | null>;
  list(): Promise<Source[]>;
  /** Marks a whole source reachable or not (`access_lost` never tombstones rows). */
  setAccess(sourceId: number, state: AccessState, reason?: string | null): Promise<Source>;
  listSchemaChanges(sourceId: number): Promise<SchemaChange[]>;
  /** Recreates the source's views from its stored schema. */
  rebuildViews(sourceId: number): Promise<Source>;
  /** Renames the source row aside with its history, so its name starts afresh (rebind). */
  detach(sourceId: number): Promise<DetachSourceResult>;
}

/** Property-level differences between two snapshots (by property id). */
export function diffSchemas(
  sourceId: number,
  before: SourceSchema,
  after: SourceSchema,
  detectedAt: string,
  runId: number | null,
): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const push = (propertyId: string, change: SchemaChange['change']) =>
    changes.push({
      sourceId,
      propertyId,
      change,
      before: before.properties[propertyId] ?? null,
      after: after.properties[propertyId] ?? null,
      runId,
      detectedAt,
    });
  for (const [id, next] of Object.entries(after.properties)) {
    const prev = before.properties[id];
    if (!prev) push(id, 'added');
    else {
      if (prev.name !== next.name || prev.column !== next.column) push(id, 'renamed');
      if (prev.type !== next.type) push(id, 'type_changed');
    }
  }
  for (const id of Object.keys(before.properties)) {
    if (!after.properties[id]) push(id, 'removed');
  }
  return changes;
}

export function createSourcesRepository(ctx: RepositoryContext): SourcesRepository {
  const { dialect } = ctx;
  const db = dialect.db;

  async function mustGet(id: number): Promise<Source> {
    const row = await db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(id);
    return toSource(row);
  }

  return {
    upsert: (input) =>
      dialect.transaction(async (trx) => {
        const now = ctx.now();
        const existingRow = await trx
          .selectFrom('sources')
          .selectAll()
          .where('name', '=', input.name)
          .executeTakeFirst();
        const existing = existingRow ? toSource(existingRow) : null;
        if (existing && existing.notionId !== input.notionId) {
          throw sourceReboundError(input.name, existing.notionId, input.notionId);
        }
        const schema = input.schema ?? existing?.schema ?? { properties: {} };
        // The view format is part of the hash: a store made by an older version rebuilds its views.
        const schemaHash = hashValue({ schema, views: VIEW_FORMAT });
        const values = {
          kind: input.kind,
          notion_id: input.notionId,
          database_id: input.databaseId ?? existing?.databaseId ?? null,
          connection_id: input.connectionId ?? existing?.connectionId ?? null,
          direction: input.direction ?? existing?.direction ?? 'pull',
          schema_json: toJsonText(schema),
          schema_hash: schemaHash,
          updated_at: now,
        };
        const id = await writeSource(trx, input, existing?.id ?? null, values, now);
        const changes = existing
          ? diffSchemas(id, existing.schema, schema, now, input.runId ?? null)
          : [];
        await appendSchemaChanges(trx, changes);
        const row = await trx
          .selectFrom('sources')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        let source = toSource(row);
        if (!existing || existing.schemaHash !== schemaHash || source.viewName === null) {
          const viewName = await rebuildSourceViews(trx, dialect, source, ctx.logger);
          await trx
            .updateTable('sources')
            .set({ view_name: viewName })
            .where('id', '=', id)
            .execute();
          source = { ...source, viewName };
        }
        return { source, created: !existing, schemaChanges: changes };
      }),

    get: async (id) => {
      const row = await db
        .selectFrom('sources')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toSource(row) : null;
    },

    getByName: async (name) => {
      const row = await db
        .selectFrom('sources')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row ? toSource(row) : null;
    },

    list: async () => {
      const rows = await db.selectFrom('sources').selectAll().orderBy('name').execute();
      return rows.map(toSource);
    },

    setAccess: async (sourceId, state, reason = null) => {
      await dialect.transaction(async (trx) => {
        const now = ctx.now();
        const result = await trx
          .updateTable('sources')
          .set({
            access_state: state,
            access_changed_at: now,
            access_reason: reason,
            updated_at: now,
          })
          .where('id', '=', sourceId)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) throw notFound(sourceId);
      });
      return mustGet(sourceId);
    },

    listSchemaChanges: async (sourceId) => {
      const rows = await db
        .selectFrom('schema_changes')
        .selectAll()
        .where('source_id', '=', sourceId)
        .orderBy('id')
        .execute();
      return rows.map(toSchemaChange);
    },

    detach: (sourceId) =>
      dialect.transaction((trx) => detachSourceIn(trx, dialect, sourceId, ctx.now())),

    rebuildViews: (sourceId) =>
      dialect.transaction(async (trx) => {
        const row = await trx
          .selectFrom('sources')
          .selectAll()
          .where('id', '=', sourceId)
          .executeTakeFirst();
        if (!row) throw notFound(sourceId);
        const source = toSource(row);
        const viewName = await rebuildSourceViews(trx, dialect, source, ctx.logger);
        await trx
          .updateTable('sources')
          .set({ view_name: viewName })
          .where('id', '=', sourceId)
          .execute();
        return { ...source, viewName };
      }),
  };
}

/** The columns an upsert writes; the name, access state and creation time are set on insert. */
type SourceValues = Omit<Insertable<SourcesTable>, 'name' | 'access_state' | 'created_at'>;

/** Updates the source row (or inserts it); returns its id. */
async function writeSource(
  trx: Kysely<Database>,
  input: UpsertSourceInput,
  existingId: number | null,
  values: SourceValues,
  now: string,
): Promise<number> {
  if (existingId !== null) {
    await trx.updateTable('sources').set(values).where('id', '=', existingId).execute();
    return existingId;
  }
  const inserted = await trx
    .insertInto('sources')
    .values({ ...values, name: input.name, access_state: 'ok', created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

async function appendSchemaChanges(trx: Kysely<Database>, changes: SchemaChange[]): Promise<void> {
  if (changes.length === 0) return;
  await trx
    .insertInto('schema_changes')
    .values(
      changes.map((change) => ({
        source_id: change.sourceId,
        property_id: change.propertyId,
        change: change.change,
        before_json: toNullableJsonText(change.before),
        after_json: toNullableJsonText(change.after),
        run_id: change.runId,
        detected_at: change.detectedAt,
      })),
    )
    .execute();
}

function notFound(id: number): NotionSyncError {
  return new NotionSyncError('store_not_found', `No source with id ${id} in the store.`, {
    details: { sourceId: id },
  });
}
