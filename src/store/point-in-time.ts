// Point-in-time reads for `restore`: for every record of a source, the Notion state it had at a
// given time (its newest `notion` or `push` version stored at or before that time; local edits
// never reached Notion at that time) next to its current version. A pull commits a version in the
// same transaction as the cursor, so "stored at or before T" is exactly "what the store knew at T".
import type { RepositoryContext } from './repository-context.ts';
import { toRecord, toVersion } from './row-mappers.ts';
import type { StoreRecord, Version } from './store-types.ts';

export interface RecordAsOf {
  record: StoreRecord;
  /** The Notion state at the time; null when the record was not yet known then. */
  atTime: Version | null;
  /** The record's current version (null for a record without versions). */
  now: Version | null;
}

export interface PointInTimeReader {
  /** Every record of the source with its state at `asOf` (ISO time) and now. */
  listAsOf(sourceId: number, asOf: string): Promise<RecordAsOf[]>;
  /** When the source's history starts: its first stored Notion version, or null. */
  earliest(sourceId: number): Promise<string | null>;
}

export function createPointInTimeReader(ctx: RepositoryContext): PointInTimeReader {
  const { db } = ctx.dialect;
  return {
    async listAsOf(sourceId, asOf) {
      const records = await db
        .selectFrom('records')
        .selectAll()
        .where('source_id', '=', sourceId)
        .orderBy('id')
        .execute();
      const versions = await db
        .selectFrom('versions as v')
        .innerJoin('records as r', 'r.id', 'v.record_id')
        .selectAll('v')
        .where('r.source_id', '=', sourceId)
        .where((eb) =>
          eb.or([
            eb.and([eb('v.created_at', '<=', asOf), eb('v.origin', 'in', ['notion', 'push'])]),
            eb('v.id', '=', eb.ref('r.current_version_id')),
          ]),
        )
        .orderBy('v.record_id')
        .orderBy('v.seq')
        .execute();
      const currentIds = new Set(records.map((r) => r.current_version_id));
      const then = new Map<number, Version>();
      const current = new Map<number, Version>();
      for (const row of versions) {
        const version = toVersion(row);
        if (row.created_at <= asOf && (row.origin === 'notion' || row.origin === 'push'))
          then.set(row.record_id, version);
        if (currentIds.has(row.id)) current.set(row.record_id, version);
      }
      return records.map((row) => ({
        record: toRecord(row),
        atTime: then.get(row.id) ?? null,
        now: current.get(row.id) ?? null,
      }));
    },
    async earliest(sourceId) {
      const row = await db
        .selectFrom('versions as v')
        .innerJoin('records as r', 'r.id', 'v.record_id')
        .select((eb) => eb.fn.min('v.created_at').as('first'))
        .where('r.source_id', '=', sourceId)
        .where('v.origin', 'in', ['notion', 'push'])
        .executeTakeFirst();
      return (row?.first as string | null | undefined) ?? null;
    },
  };
}
