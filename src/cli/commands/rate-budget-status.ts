// The `rate budgets` part of `notion-sync status`: with `notion.rateBudget: shared`, each bucket
// row (a connection's, a workspace's) — its level now, what it granted and to which lane, the
// 429s recorded against it, a pause in force, and its use: granted ÷ (rate × lifetime).
import type { RateBudgetUsage, Store } from '../../store/index.ts';

export interface RateBudgetStatus extends RateBudgetUsage {
  /** Share of the bucket's budget spent since it was made (0–1; the burst can push it a bit past 1). */
  utilization: number;
}

/** Every shared bucket of the store with its use; empty on SQLite or before the first shared client. */
export async function rateBudgetStatus(store: Store, nowMs: number): Promise<RateBudgetStatus[]> {
  if (store.dialect !== 'postgres') return [];
  const usage = await store.rateBudgets.usage(nowMs);
  return usage.map((u) => {
    const budget = (u.ratePerSecond * Math.max(1, nowMs - u.createdMs)) / 1000 + u.capacity;
    return { ...u, utilization: Math.round((u.taken / budget) * 1000) / 1000 };
  });
}

export function describeRateBudgets(budgets: RateBudgetStatus[], nowMs: number): string[] {
  if (budgets.length === 0) return [];
  const lines = ['rate budgets (shared by every process)'];
  for (const b of budgets) {
    const paused =
      b.pausedUntilMs > nowMs
        ? `; paused ${Math.ceil((b.pausedUntilMs - nowMs) / 1000)} s more`
        : '';
    lines.push(
      `  ${b.key}: ${b.ratePerSecond} req/s, ${b.tokens.toFixed(1)}/${b.capacity} tokens; ${b.taken} granted (${b.interactiveTaken} interactive), ${Math.round(b.utilization * 100)}% used, ${b.rateLimited} × 429${paused}`,
    );
  }
  return lines;
}
