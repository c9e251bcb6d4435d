// Shared rate budgets (DESIGN.md §6): token buckets kept as rows so that every process talking to
// Notion for a connection or a workspace spends one budget. Invariants:
// - A take is ONE statement: it locks the connection's and the workspace's rows (in key order, so
//   two takers never deadlock), refills both by the time elapsed, and takes one token from each
//   only when both can give one — a refused take consumes nothing.
// - A 429/529 pause is written to the row (`paused_until_ms`, tokens emptied, refill restarting at
//   the pause's end), so every process waits it out, not only the one that was refused.
// - Priority lane: a bulk take needs `1 + reserve` tokens and no interactive taker waiting
//   (`interactive_until_ms` in the past); an interactive take needs 1 token. An interactive taker
//   that is refused raises `interactive_until_ms` for `holdMs`, so the next tokens go to it, not
//   to the backlog of bulk takers. Nothing is held per taker: a crashed taker's hold just expires.
// Times are epoch ms from the caller's clock (hosts are expected to keep NTP time: a skew of s ms
// lets a host refill s·rate/1000 tokens early, bounded by the bucket's capacity).
import { sql } from 'kysely';
import { NotionSyncError } from '../errors.ts';
import type { RepositoryContext } from './repository-context.ts';

export type RateBudgetKind = 'connection' | 'workspace';
export type RateBudgetLane = 'interactive' | 'bulk';

export interface RateBudgetSpec {
  key: string;
  kind: RateBudgetKind;
  /** Average requests per second the bucket refills at. */
  ratePerSecond: number;
  /** Tokens a full bucket holds. */
  capacity: number;
  /** Tokens bulk takers leave for interactive ones. */
  reserve: number;
}

export interface RateBudgetTakeInput {
  /** The buckets one request spends from (a connection's and its workspace's). */
  keys: string[];
  lane: RateBudgetLane;
  nowMs: number;
  /** How long a refused interactive taker holds bulk takers back (default 1,000 ms). */
  holdMs?: number;
}

export type RateBudgetTakeResult = { granted: true } | { granted: false; waitMs: number };

export interface RateBudgetUsage {
  key: string;
  kind: RateBudgetKind;
  /** A connection bucket's workspace, once known. */
  workspaceId: string | null;
  ratePerSecond: number;
  capacity: number;
  reserve: number;
  /** Tokens in the bucket now (refilled to `nowMs`). */
  tokens: number;
  /** Epoch ms until which the bucket is paused by a 429/529; 0 when not paused. */
  pausedUntilMs: number;
  /** Permits granted since the row was made, and how many of them were interactive. */
  taken: number;
  interactiveTaken: number;
  /** 429/529 answers recorded against this bucket. */
  rateLimited: number;
  createdMs: number;
}

export interface RateBudgetsRepository {
  /** Creates the buckets that do not exist (full) and updates the rate, capacity and reserve of those that do. */
  ensure(specs: RateBudgetSpec[], nowMs: number): Promise<void>;
  /** Takes one token from every bucket in `keys`, or none; says how long to wait when refused. */
  take(input: RateBudgetTakeInput): Promise<RateBudgetTakeResult>;
  /** Pauses bucket `key` until `untilMs` (a 429/529's Retry-After) and counts the refusal. */
  pause(key: string, untilMs: number, nowMs: number): Promise<void>;
  /** Remembers the workspace of connection bucket `key` (learned from users.me). */
  setWorkspace(key: string, workspaceId: string): Promise<void>;
  /** The workspace remembered for connection bucket `key`; null when not known yet. */
  workspaceOf(key: string): Promise<string | null>;
  /** Every bucket, its level at `nowMs` and its counters (for `status` and benchmarks). */
  usage(nowMs: number): Promise<RateBudgetUsage[]>;
}

interface TakeRow {
  ok: boolean;
  tokens: number;
  rate_per_s: number;
  reserve: number;
  updated_ms: number;
  interactive_until_ms: number;
}

const DEFAULT_HOLD_MS = 1000;

function postgresOnly(): NotionSyncError {
  return new NotionSyncError(
    'config_invalid',
    'Shared rate budgets need a PostgreSQL store (SQLite is single-process): set `store` to a postgres:// URL, or `notion.rateBudget: local`.',
    { details: { option: 'notion.rateBudget' } },
  );
}

/** How long a refused taker waits before the buckets can give it a token. */
export function waitForTokens(rows: TakeRow[], lane: RateBudgetLane, nowMs: number): number {
  let wait = 0;
  for (const row of rows) {
    const need = lane === 'interactive' ? 1 : 1 + Number(row.reserve);
    const refillStart = Math.max(Number(row.updated_ms), nowMs);
    const missing = Math.max(0, need - Number(row.tokens));
    let rowWait = refillStart - nowMs + (missing * 1000) / Number(row.rate_per_s);
    if (lane === 'bulk') rowWait = Math.max(rowWait, Number(row.interactive_until_ms) - nowMs);
    wait = Math.max(wait, rowWait);
  }
  return Math.max(1, Math.ceil(wait));
}

export function createRateBudgetsRepository(ctx: RepositoryContext): RateBudgetsRepository {
  const { db } = ctx.dialect;
  const table = () => {
    if (ctx.dialect.name !== 'postgres') throw postgresOnly();
    return sql.raw(ctx.dialect.tableRef('rate_budgets'));
  };
  const num = (value: number) => sql`${value}::double precision`;

  return {
    async ensure(specs, nowMs) {
      for (const spec of [...specs].sort((a, b) => a.key.localeCompare(b.key))) {
        await db
          .insertInto('rate_budgets')
          .values({
            key: spec.key,
            kind: spec.kind,
            rate_per_s: spec.ratePerSecond,
            capacity: spec.capacity,
            reserve: spec.reserve,
            tokens: spec.capacity,
            updated_ms: 0,
            paused_until_ms: 0,
            interactive_until_ms: 0,
            taken: 0,
            interactive_taken: 0,
            rate_limited: 0,
            created_ms: nowMs,
            workspace_id: null,
          })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet((eb) => ({
              rate_per_s: eb.ref('excluded.rate_per_s'),
              capacity: eb.ref('excluded.capacity'),
              reserve: eb.ref('excluded.reserve'),
            })),
          )
          .execute();
      }
    },

    async take(input) {
      const t = table();
      const keys = [...new Set(input.keys)].sort();
      const interactive = sql`${input.lane === 'interactive'}::boolean`;
      const now = num(input.nowMs);
      const { rows } = await sql<TakeRow>`
        with cur as (
          select key, reserve, paused_until_ms, interactive_until_ms,
            least(capacity, tokens + greatest(0, ${now} - updated_ms) * rate_per_s / 1000.0) as avail
          from ${t} where key in (${sql.join(keys)}) order by key for update
        ), verdict as (
          select count(*) = ${keys.length} and bool_and(paused_until_ms <= ${now}
            and avail >= 1 + case when ${interactive} then 0 else reserve end
            and (${interactive} or interactive_until_ms <= ${now})) as ok
          from cur
        )
        update ${t} as b set
          tokens = cur.avail - case when verdict.ok then 1 else 0 end,
          updated_ms = greatest(b.updated_ms, ${now}),
          taken = b.taken + case when verdict.ok then 1 else 0 end,
          interactive_taken = b.interactive_taken
            + case when verdict.ok and ${interactive} then 1 else 0 end,
          interactive_until_ms = case when ${interactive} and not verdict.ok
            then greatest(b.interactive_until_ms, ${now} + ${num(input.holdMs ?? DEFAULT_HOLD_MS)})
            else b.interactive_until_ms end
        from cur, verdict where b.key = cur.key
        returning verdict.ok as ok, b.tokens, b.rate_per_s, b.reserve, b.updated_ms,
          b.interactive_until_ms`.execute(db);
      if (rows.length !== keys.length) {
        throw new NotionSyncError(
          'store_error',
          `Rate budget rows are missing (${keys.join(', ')}): they are created when a connection's client is made.`,
          { details: { keys } },
        );
      }
      if (rows[0]?.ok) return { granted: true };
      return { granted: false, waitMs: waitForTokens(rows, input.lane, input.nowMs) };
    },

    async pause(key, untilMs, nowMs) {
      const t = table();
      await sql`update ${t} set
          paused_until_ms = greatest(paused_until_ms, ${num(untilMs)}),
          tokens = 0,
          updated_ms = greatest(updated_ms, ${num(untilMs)}, ${num(nowMs)}),
          rate_limited = rate_limited + 1
        where key = ${key}`.execute(db);
    },

    async setWorkspace(key, workspaceId) {
      await db
        .updateTable('rate_budgets')
        .set({ workspace_id: workspaceId })
        .where('key', '=', key)
        .execute();
    },

    async workspaceOf(key) {
      const row = await db
        .selectFrom('rate_budgets')
        .select('workspace_id')
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.workspace_id ?? null;
    },

    async usage(nowMs) {
      const rows = await db.selectFrom('rate_budgets').selectAll().orderBy('key').execute();
      return rows.map((r) => ({
        key: r.key,
        kind: r.kind,
        workspaceId: r.workspace_id,
        ratePerSecond: Number(r.rate_per_s),
        capacity: Number(r.capacity),
        reserve: Number(r.reserve),
        tokens: Math.min(
          Number(r.capacity),
          Number(r.tokens) +
            (Math.max(0, nowMs - Number(r.updated_ms)) * Number(r.rate_per_s)) / 1000,
        ),
        pausedUntilMs: Number(r.paused_until_ms) > nowMs ? Number(r.paused_until_ms) : 0,
        taken: Number(r.taken),
        interactiveTaken: Number(r.interactive_taken),
        rateLimited: Number(r.rate_limited),
        createdMs: Number(r.created_ms),
      }));
    },
  };
}
