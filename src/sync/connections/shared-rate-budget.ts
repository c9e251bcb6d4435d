// The Pacer of a connection when its budget is shared by every process (`notion.rateBudget:
// shared`, a PostgreSQL store): each request takes one token from the connection's bucket row and
// one from its workspace's (all connections of a workspace share that one), in the request's lane
// (interactive before bulk). A 429/529 pauses the bucket its `rate_limit_reason` names — the
// workspace's for `workspace_rate_limit`, the connection's otherwise — in the store, so every
// process waits it out. The rows are the truth; this process only remembers a pause it saw
// itself so that it does not ask the store while it knows the answer.
import type { Pacer, PacerPermit, PacerState, RequestPriority } from '../../notion/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';
import type { RateBudgetSpec, RateBudgetsRepository } from '../store-api.ts';

export interface SharedRateBudgetSettings {
  /** The connection's average requests per second and bucket capacity (`notion.requestsPerSecond`, `notion.burst`). */
  requestsPerSecond: number;
  burst: number;
  /** The workspace's budget shared by all its connections (`notion.workspaceRequestsPerSecond`). */
  workspaceRequestsPerSecond: number;
  /** Tokens of each bucket that bulk work leaves to interactive work (`notion.interactiveReserve`). */
  interactiveReserve: number;
}

export interface SharedRateBudgetOptions {
  budgets: RateBudgetsRepository;
  connection: string;
  /** The workspace when known up front (an OAuth installation); see `attachWorkspace`. */
  workspaceId?: string | null;
  settings: SharedRateBudgetSettings;
  clock: Clock;
  logger: Logger;
  /** Longest sleep between two takes of a waiting caller (default 1,000 ms). */
  maxPollMs?: number;
}

export interface SharedRateBudget extends Pacer {
  /**
   * Spends from the workspace's bucket too from now on. A token connection's workspace is the one
   * remembered in its bucket row, or else `discover()`'s answer (users.me), which is remembered.
   */
  attachWorkspace(discover: () => Promise<string | null>): Promise<void>;
  /** The bucket keys a request spends from. */
  keys(): string[];
  /** Resolves when pauses this process reported have reached the store. */
  flush(): Promise<void>;
}

export const connectionBudgetKey = (name: string) => `connection:${name}`;
export const workspaceBudgetKey = (id: string) => `workspace:${id}`;

function specsOf(
  settings: SharedRateBudgetSettings,
  connection: string,
  workspaceId: string | null,
): RateBudgetSpec[] {
  const reserve = settings.interactiveReserve;
  const specs: RateBudgetSpec[] = [
    {
      key: connectionBudgetKey(connection),
      kind: 'connection',
      ratePerSecond: settings.requestsPerSecond,
      capacity: settings.burst,
      reserve,
    },
  ];
  if (workspaceId) {
    specs.push({
      key: workspaceBudgetKey(workspaceId),
      kind: 'workspace',
      ratePerSecond: settings.workspaceRequestsPerSecond,
      capacity: settings.burst,
      reserve,
    });
  }
  return specs;
}

/** A Pacer whose budget lives in the store's `rate_budgets` rows (see the file comment). */
export function createSharedRateBudget(options: SharedRateBudgetOptions): SharedRateBudget {
  const { budgets, clock, logger, settings, connection } = options;
  const maxPollMs = options.maxPollMs ?? 1000;
  let workspaceId = options.workspaceId ?? null;
  let ready = budgets.ensure(specsOf(settings, connection, workspaceId), clock.now());
  let pausedUntil = 0;
  let waiting = 0;
  let inFlight = 0;
  let pending: Promise<void> = Promise.resolve();
  const keys = () =>
    workspaceId
      ? [connectionBudgetKey(connection), workspaceBudgetKey(workspaceId)]
      : [connectionBudgetKey(connection)];

  const permit = (enqueuedAt: number): PacerPermit => {
    inFlight += 1;
    let released = false;
    return {
      waitedMs: clock.now() - enqueuedAt,
      release: () => {
        if (released) return;
        released = true;
        inFlight -= 1;
      },
    };
  };

  async function acquire(priority: RequestPriority = 'bulk'): Promise<PacerPermit> {
    await ready;
    const enqueuedAt = clock.now();
    waiting += 1;
    try {
      for (;;) {
        const now = clock.now();
        if (now < pausedUntil) {
          await clock.sleep(pausedUntil - now);
          continue;
        }
        const taken = await budgets.take({ keys: keys(), lane: priority, nowMs: now });
        if (taken.granted) return permit(enqueuedAt);
        // A little jitter so that the takers of one budget do not all wake at the same moment.
        await clock.sleep(Math.min(taken.waitMs, maxPollMs) + Math.floor(Math.random() * 10));
      }
    } finally {
      waiting -= 1;
    }
  }

  function pause(ms: number, reason?: string): void {
    const now = clock.now();
    const until = now + Math.max(0, ms);
    pausedUntil = Math.max(pausedUntil, until);
    const key =
      reason === 'workspace_rate_limit' && workspaceId
        ? workspaceBudgetKey(workspaceId)
        : connectionBudgetKey(connection);
    pending = pending
      .then(() => budgets.pause(key, until, now))
      .catch((error: unknown) => {
        logger.warn(
          { connection, bucket: key, err: error instanceof Error ? error.message : String(error) },
          'could not record a rate-limit pause in the shared budget',
        );
      });
  }

  return {
    acquire,
    pause,
    state: (): PacerState => ({ tokens: 0, inFlight, queued: waiting, pausedUntil }),
    async attachWorkspace(discover) {
      await ready;
      const key = connectionBudgetKey(connection);
      const known = await budgets.workspaceOf(key);
      const id = known ?? (await discover());
      if (!id) return;
      if (!known) await budgets.setWorkspace(key, id);
      // The row first, then the key: a take never names a bucket that does not exist yet.
      ready = budgets.ensure(specsOf(settings, connection, id), clock.now());
      await ready;
      workspaceId = id;
    },
    keys,
    flush: () => pending,
  };
}
