// The one path allowed to delete versions (janitor retention). It opens the append-only guard
// only inside its own transaction (a transaction-local setting in PostgreSQL, a guard row that is
// reset before commit in SQLite), and never deletes a version a record, an outbox item or a
// conflict still points at.
import { sql } from 'kysely';
import type { RepositoryContext } from './repository-context.ts';

export interface PruneVersionsInput {
  /** Keep at least this many newest versions of every record. */
  keepLatest: number;
  /** Only versions created before this ISO time are candidates. */
  olderThan?: string;
  sourceId?: number;
}

/** Deletes old versions under the retention policy; returns how many were deleted. */
export async function pruneVersions(
  ctx: RepositoryContext,
  input: PruneVersionsInput,
): Promise<number> {
  const { dialect } = ctx;
  const keep = Math.max(1, Math.floor(input.keepLatest));
  return dialect.transaction(async (trx) => {
    await dialect.setRetentionAllowed(trx, true);
    const v = dialect.tableRef('versions');
    const r = dialect.tableRef('records');
    const o = dialect.tableRef('outbox');
    const conditions = [
      sql`v.seq <= r.last_seq - ${keep}`,
      sql`v.id <> coalesce(r.current_version_id, -1)`,
      sql`v.id <> coalesce(r.base_version_id, -1)`,
      sql`not exists (select 1 from ${sql.raw(o)} o where o.version_id = v.id)`,
    ];
    if (input.olderThan !== undefined) conditions.push(sql`v.created_at < ${input.olderThan}`);
    if (input.sourceId !== undefined) conditions.push(sql`r.source_id = ${input.sourceId}`);
    const result = await sql`
      delete from ${sql.raw(v)} where id in (
        select v.id from ${sql.raw(v)} v join ${sql.raw(r)} r on r.id = v.record_id
        where ${sql.join(conditions, sql` and `)})`.execute(trx);
    await dialect.setRetentionAllowed(trx, false);
    return Number(result.numAffectedRows ?? 0n);
  });
}
