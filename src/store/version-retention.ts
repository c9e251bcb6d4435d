// The one path allowed to delete versions (janitor retention). It opens the append-only guard
// only inside its own transaction (a transaction-local setting in PostgreSQL, a guard row that is
// reset before commit in SQLite), and never deletes a record's newest version, its current or
// base version, or a version an outbox item (and so a conflict parked on it) points at. `limit`
// bounds one call, so janitor prunes in short transactions that never hold a pull back for long.
import { type RawBuilder, sql } from 'kysely';
import type { RepositoryContext } from './repository-context.ts';

export interface PruneVersionsInput {
  /** Keep at least this many newest versions of every record (at least 1). */
  keepLatest: number;
  /** Only versions created before this ISO time are candidates. */
  olderThan?: string;
  sourceId?: number;
  /** Delete at most this many versions in this call (one transaction). */
  limit?: number;
}

function candidates(ctx: RepositoryContext, input: PruneVersionsInput): RawBuilder<unknown> {
  const { dialect } = ctx;
  const keep = Math.max(1, Math.floor(input.keepLatest));
  const v = sql.raw(dialect.tableRef('versions'));
  const r = sql.raw(dialect.tableRef('records'));
  const o = sql.raw(dialect.tableRef('outbox'));
  const c = sql.raw(dialect.tableRef('conflicts'));
  const conditions = [
    sql`v.seq <= r.last_seq - ${keep}`,
    sql`v.id <> coalesce(r.current_version_id, -1)`,
    sql`v.id <> coalesce(r.base_version_id, -1)`,
    sql`not exists (select 1 from ${o} o where o.version_id = v.id)`,
    sql`not exists (select 1 from ${c} c join ${o} co on co.id = c.outbox_id where co.version_id = v.id)`,
  ];
  if (input.olderThan !== undefined) conditions.push(sql`v.created_at < ${input.olderThan}`);
  if (input.sourceId !== undefined) conditions.push(sql`r.source_id = ${input.sourceId}`);
  const limit = input.limit !== undefined ? sql` order by v.id limit ${input.limit}` : sql``;
  return sql`select v.id from ${v} v join ${r} r on r.id = v.record_id
    where ${sql.join(conditions, sql` and `)}${limit}`;
}

/** Deletes old versions under the retention policy; returns how many were deleted. */
export async function pruneVersions(
  ctx: RepositoryContext,
  input: PruneVersionsInput,
): Promise<number> {
  const { dialect } = ctx;
  return dialect.transaction(async (trx) => {
    await dialect.setRetentionAllowed(trx, true);
    const v = sql.raw(dialect.tableRef('versions'));
    // A derived table: MySQL-style "same table in the subquery" limits do not apply, and
    // PostgreSQL and SQLite both accept LIMIT inside it.
    const result =
      await sql`delete from ${v} where id in (select id from (${candidates(ctx, input)}) p)`.execute(
        trx,
      );
    await dialect.setRetentionAllowed(trx, false);
    return Number(result.numAffectedRows ?? 0n);
  });
}

/** How many versions `pruneVersions` would delete (a janitor dry run). */
export async function countPrunableVersions(
  ctx: RepositoryContext,
  input: Omit<PruneVersionsInput, 'limit'>,
): Promise<number> {
  const { rows } = await sql<{
    n: number | string;
  }>`select count(*) as n from (${candidates(ctx, input)}) p`.execute(ctx.dialect.db);
  return Number(rows[0]?.n ?? 0);
}
