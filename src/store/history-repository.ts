// History: every version of a record in sequence order, one version, and the property-level
// difference between two versions (names taken from the source's current schema, so a renamed
// property shows under its new name with its whole history).
import { isDeepStrictEqual } from 'node:util';
import { NotionSyncError } from '../errors.ts';
import type { RepositoryContext } from './repository-context.ts';
import { toSource, toVersion } from './row-mappers.ts';
import type { JsonValue, Version } from './store-types.ts';

export interface PropertyDiff {
  propertyId: string;
  /** Current name from the source's schema, or the id when the property is gone. */
  name: string;
  change: 'added' | 'removed' | 'changed';
  before: JsonValue | null;
  after: JsonValue | null;
}

export interface VersionDiff {
  recordId: number;
  fromSeq: number;
  toSeq: number;
  properties: PropertyDiff[];
  contentChanged: boolean;
}

export interface HistoryRepository {
  listVersions(recordId: number): Promise<Version[]>;
  getVersion(recordId: number, seq: number): Promise<Version | null>;
  getVersionById(versionId: number): Promise<Version | null>;
  /** What changed from version `fromSeq` to `toSeq` of a record. */
  diff(recordId: number, fromSeq: number, toSeq: number): Promise<VersionDiff>;
}

/** Property-level differences between two field maps, in the order of `names` then id. */
export function diffFields(
  before: Record<string, JsonValue>,
  after: Record<string, JsonValue>,
  names: Record<string, string> = {},
): PropertyDiff[] {
  const ids = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const diffs: PropertyDiff[] = [];
  for (const id of ids) {
    const had = Object.hasOwn(before, id);
    const has = Object.hasOwn(after, id);
    const b = had ? (before[id] ?? null) : null;
    const a = has ? (after[id] ?? null) : null;
    if (had && has && isDeepStrictEqual(a, b)) continue;
    diffs.push({
      propertyId: id,
      name: names[id] ?? id,
      change: !had ? 'added' : !has ? 'removed' : 'changed',
      before: b,
      after: a,
    });
  }
  return diffs;
}

export function createHistoryRepository(ctx: RepositoryContext): HistoryRepository {
  const db = ctx.dialect.db;

  async function getVersion(recordId: number, seq: number): Promise<Version | null> {
    const row = await db
      .selectFrom('versions')
      .selectAll()
      .where('record_id', '=', recordId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    return row ? toVersion(row) : null;
  }

  return {
    listVersions: async (recordId) => {
      const rows = await db
        .selectFrom('versions')
        .selectAll()
        .where('record_id', '=', recordId)
        .orderBy('seq')
        .execute();
      return rows.map(toVersion);
    },
    getVersion,
    getVersionById: async (versionId) => {
      const row = await db
        .selectFrom('versions')
        .selectAll()
        .where('id', '=', versionId)
        .executeTakeFirst();
      return row ? toVersion(row) : null;
    },
    diff: async (recordId, fromSeq, toSeq) => {
      const [from, to] = await Promise.all([
        getVersion(recordId, fromSeq),
        getVersion(recordId, toSeq),
      ]);
      if (!from || !to) {
        throw new NotionSyncError(
          'store_not_found',
          `Record ${recordId} has no version ${!from ? fromSeq : toSeq}; list its versions with \`notion-sync history\`.`,
          { details: { recordId, fromSeq, toSeq } },
        );
      }
      const sourceRow = await db
        .selectFrom('sources')
        .innerJoin('records', 'records.source_id', 'sources.id')
        .selectAll('sources')
        .where('records.id', '=', recordId)
        .executeTakeFirstOrThrow();
      const names = Object.fromEntries(
        Object.values(toSource(sourceRow).schema.properties).map((p) => [p.id, p.name]),
      );
      return {
        recordId,
        fromSeq,
        toSeq,
        properties: diffFields(from.fields, to.fields, names),
        contentChanged: from.content !== to.content,
      };
    },
  };
}
