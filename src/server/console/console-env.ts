// What every console route gets: the engine and runner it acts through, the session of the
// request (set by the console's middleware), and the background imports.
import type { Runner, Scheduler } from '../../runner/index.ts';
import type { Logger } from '../../shared/index.ts';
import type { Engine } from '../../sync/index.ts';
import type { ImportJobs } from './import-jobs.ts';
import type { Session, Sessions } from './sessions.ts';

export interface ConsoleEnv {
  Variables: { session: Session };
}

export interface ConsoleOptions {
  engine: Engine;
  runner: Runner;
  /** Next planned runs (Sources page); null when nothing is scheduled. */
  scheduler: Scheduler | null;
  /** When each connection's webhook URL last received an event (Connections page). */
  lastWebhookAt: () => Promise<Record<string, string>>;
  sessions: Sessions;
  jobs: ImportJobs;
  /** NOTION_SYNC_API_TOKEN: the operator's login; without it there is no operator console. */
  apiToken: string | undefined;
  logger: Logger;
}
