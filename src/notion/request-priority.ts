// Which lane a Notion request waits in. Interactive work (a push from the console, MCP or the
// API, a webhook refresh) is what a person is waiting for; everything else (scheduled pulls,
// backfills) is bulk. The lane follows the async context, so a run started in
// `withRequestPriority('interactive', …)` sends every one of its requests in that lane, on
// whichever connection and whichever pacer (local or shared) they go through.
import { AsyncLocalStorage } from 'node:async_hooks';

export type RequestPriority = 'interactive' | 'bulk';

const lanes = new AsyncLocalStorage<RequestPriority>();

/** Runs `fn` with every Notion request made inside it (async context) in the `priority` lane. */
export function withRequestPriority<T>(
  priority: RequestPriority,
  fn: () => Promise<T>,
): Promise<T> {
  return lanes.run(priority, fn);
}

/** The lane of the current async context (bulk outside any `withRequestPriority`). */
export function currentRequestPriority(): RequestPriority {
  return lanes.getStore() ?? 'bulk';
}

/**
 * The lane of a run by its trigger: what a person started and waits for (console, MCP, API,
 * CLI, a folder watch's save, a webhook refresh) is interactive; schedules, imports and restores
 * are bulk.
 */
export function priorityOfTrigger(trigger: string | undefined): RequestPriority {
  if (!trigger) return 'bulk';
  if (trigger.startsWith('webhook')) return 'interactive';
  return ['console', 'mcp', 'api', 'cli', 'watch'].includes(trigger) ? 'interactive' : 'bulk';
}
