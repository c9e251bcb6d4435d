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
  /** Notion's state as last pulled: the newest `notion`/`push` version (a pending local edit is
   * not in Notion yet). */
  now: Version | null;
}

export interface PointInTimeReader {
  /** Every record of the source with its state at `asOf` (ISO time) and now. */
  listAsOf(sourceId: number, asOf: string): Promise<RecordAsOf[]>;
  /** When the source's history starts: its first stored Notion version, or null. */
  earliest(sourceId: number): Promise<string | null>;
  /** A record's newest `notion`/`push` version: Notion's state as last pulled or pushed. */
  newestNotionVersion(recordId: number): Promise<Version | null>;
}

export function createPointInTimeReader(ctx: RepositoryContext): PointInTimeReader {
  const { db } = ctx.dialect;
  /** The newest Notion-side version of every record of the source (stored at or before `asOf`). */
  const newestNotionVersions = async (sourceId: number, asOf?: string) => {
    let newest = db
      .selectFrom('versions as v2')
      .innerJoin('records as r', 'r.id', 'v2.record_id')
      .select(['v2.record_id', (eb) => eb.fn.max('v2.seq').as('seq')])
      .where('r.source_id', '=', sourceId)
      .where('v2.origin', 'in', ['notion', 'push'])
      .groupBy('v2.record_id');
    if (asOf !== undefined) newest = newest.where('v2.created_at', '<=', asOf);
    const rows = await db
      .selectFrom('versions as v')
      .innerJoin(newest.as('m'), (join) =>
        join.onRef('m.record_id', '=', 'v.record_id').onRef('m.seq', '=', 'v.seq'),
      )
      .selectAll('v')
      .execute();
    return new Map(rows.map((row) => [row.record_id, toVersion(row)]));
  };
  return {
    async listAsOf(sourceId, asOf) {
      const records = await db
        .selectFrom('records')
        .selectAll()
        .where('source_id', '=', sourceId)
        .orderBy('id')
        .execute();
      const then = await newestNotionVersions(sourceId, asOf);
      const now = await newestNotionVersions(sourceId);
      return records.map((row) => ({
        record: toRecord(row),
        atTime: then.get(row.id) ?? null,
        now: now.get(row.id) ?? null,
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
    async newestNotionVersion(recordId) {
      const row = await db
        .selectFrom('versions')
        .selectAll()
        .where('record_id', '=', recordId)
        .where('origin', 'in', ['notion', 'push'])
        .orderBy('seq', 'desc')
        .executeTakeFirst();
      return row ? toVersion(row) : null;
    },
  };
}
