// Housekeeping deletes outside the versions table: old runs and processed webhook events, each in
// short batches (one transaction per call, `limit` rows at most), and the planner statistics
// (`ANALYZE`, plus `VACUUM` on SQLite after deletes). A run is kept while any version, conflict,
// checkpoint or schema change names it, while it is running, and when it is its source's latest.
import { type RawBuilder, sql } from 'kysely';
import type { RepositoryContext } from './repository-context.ts';
import { ENGINE_TABLES } from './schema.ts';

export interface PruneOlderThanInput {
  /** ISO time: only rows from before it are candidates. */
  olderThan: string;
  /** At most this many rows per call. */
  limit?: number;
}

function prunableRuns(ctx: RepositoryContext, input: PruneOlderThanInput): RawBuilder<unknown> {
  const t = (name: Parameters<typeof ctx.dialect.tableRef>[0]) =>
    sql.raw(ctx.dialect.tableRef(name));
  const limit = input.limit !== undefined ? sql` order by r.id limit ${input.limit}` : sql``;
  return sql`select r.id from ${t('runs')} r
    where r.status <> 'running' and r.started_at < ${input.olderThan}
      and not exists (select 1 from ${t('versions')} v where v.run_id = r.id)
      and not exists (select 1 from ${t('conflicts')} c where c.run_id = r.id)
      and not exists (select 1 from ${t('checkpoints')} k where k.run_id = r.id)
      and not exists (select 1 from ${t('schema_changes')} s where s.run_id = r.id)
      and r.id not in (select max(l.id) from ${t('runs')} l where l.source_id is not null group by l.source_id)${limit}`;
}

function prunableEvents(ctx: RepositoryContext, input: PruneOlderThanInput): RawBuilder<unknown> {
  const limit =
    input.limit !== undefined ? sql` order by e.received_at limit ${input.limit}` : sql``;
  return sql`select e.event_id from ${sql.raw(ctx.dialect.tableRef('webhook_events'))} e
    where e.state = 'processed' and e.processed_at < ${input.olderThan}${limit}`;
}

async function countOf(ctx: RepositoryContext, query: RawBuilder<unknown>): Promise<number> {
  const { rows } = await sql<{
    n: number | string;
  }>`select count(*) as n from (${query}) p`.execute(ctx.dialect.db);
  return Number(rows[0]?.n ?? 0);
}

/** Deletes the rows whose `key` the query selects, in one transaction; returns how many. */
function deleteWhereIn(
  ctx: RepositoryContext,
  table: 'runs' | 'webhook_events',
  key: string,
  query: RawBuilder<unknown>,
): Promise<number> {
  return ctx.dialect.transaction(async (trx) => {
    const result = await sql`delete from ${sql.raw(ctx.dialect.tableRef(table))}
      where ${sql.ref(key)} in (select ${sql.ref(key)} from (${query}) p)`.execute(trx);
    return Number(result.numAffectedRows ?? 0n);
  });
}

export interface JanitorMaintenance {
  /** Deletes old runs nothing refers to; returns how many. */
  pruneRuns(input: PruneOlderThanInput): Promise<number>;
  countPrunableRuns(input: PruneOlderThanInput): Promise<number>;
  /** Deletes processed webhook events received before the cut; returns how many. */
  pruneWebhookEvents(input: PruneOlderThanInput): Promise<number>;
  countPrunableWebhookEvents(input: PruneOlderThanInput): Promise<number>;
  /** Refreshes planner statistics; on SQLite also gives deleted pages back (`VACUUM`). */
  optimize(options: { vacuum: boolean }): Promise<string[]>;
}

export function createJanitorMaintenance(ctx: RepositoryContext): JanitorMaintenance {
  const { dialect } = ctx;
  return {
    pruneRuns: (input) => deleteWhereIn(ctx, 'runs', 'id', prunableRuns(ctx, input)),
    countPrunableRuns: (input) => countOf(ctx, prunableRuns(ctx, input)),
    pruneWebhookEvents: (input) =>
      deleteWhereIn(ctx, 'webhook_events', 'event_id', prunableEvents(ctx, input)),
    countPrunableWebhookEvents: (input) => countOf(ctx, prunableEvents(ctx, input)),
    async optimize({ vacuum }) {
      const done: string[] = [];
      if (dialect.name === 'sqlite') {
        if (vacuum) {
          await sql`vacuum`.execute(dialect.db);
          done.push('VACUUM');
        }
        await sql`analyze`.execute(dialect.db);
        done.push('ANALYZE');
        return done;
      }
      for (const table of ENGINE_TABLES) {
        if (table === 'retention_guard') continue;
        await sql.raw(`analyze ${dialect.tableRef(table)}`).execute(dialect.db);
      }
      done.push('ANALYZE');
      return done;
    },
  };
}
