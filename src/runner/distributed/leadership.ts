// Leader election through PostgreSQL: of all processes asking for one key, the one holding the
// session advisory lock on it leads. Invariants: at most one leader per key at a time (the lock
// is PostgreSQL's); a leader whose connection drops loses the lock with it (the server releases
// a session lock when the session ends) and stops leading before anyone else can lead; followers
// ask again every `retryMs` on the injected clock.
import pg from 'pg';
import { type Clock, type Logger, silentLogger, systemClock } from '../../shared/index.ts';
import { sleepOn } from '../sleep.ts';

export interface LeadershipOptions {
  url: string;
  /** What is being led, e.g. `scheduler:notion_sync_jobs`: processes asking for one key compete. */
  key: string;
  retryMs?: number;
  clock?: Clock;
  logger?: Logger;
}

export interface LeadershipCallbacks {
  /** Now leading. */
  elected(): Promise<void>;
  /** No longer leading (connection lost, or stopping). */
  deposed(): Promise<void>;
}

export interface Leadership {
  isLeader(): boolean;
  /** Starts asking for the lock; resolves after the first attempt. */
  start(callbacks: LeadershipCallbacks): Promise<void>;
  /** Releases the lock (if held) and stops asking. */
  stop(): Promise<void>;
}

export function createLeadership(options: LeadershipOptions): Leadership {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const retryMs = options.retryMs ?? 5_000;
  const stopper = new AbortController();
  let client: pg.Client | null = null;
  let leading = false;
  let callbacks: LeadershipCallbacks | null = null;

  async function depose(why: string): Promise<void> {
    if (!leading) return;
    leading = false;
    if (why === 'stopping') logger.info({ key: options.key }, 'leadership released');
    else logger.warn({ key: options.key, why }, 'leadership lost');
    await callbacks?.deposed();
  }

  async function connect(): Promise<pg.Client> {
    const next = new pg.Client({ connectionString: options.url });
    next.on('error', () => {
      client = null;
      void depose('database connection lost');
    });
    await next.connect();
    return next;
  }

  async function attempt(): Promise<void> {
    try {
      client ??= await connect();
      const { rows } = await client.query<{ locked: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as locked',
        [options.key],
      );
      if (rows[0]?.locked && !leading && !stopper.signal.aborted) {
        leading = true;
        logger.info({ key: options.key }, 'leading');
        await callbacks?.elected();
      }
    } catch (error) {
      await client?.end().catch(() => {});
      client = null;
      await depose('database connection lost');
      logger.warn({ key: options.key, err: (error as Error).message }, 'leader election failed');
    }
  }

  async function loop(): Promise<void> {
    while (await sleepOn(clock, retryMs, stopper.signal)) {
      if (!leading) await attempt();
      else await client?.query('select 1').catch(() => depose('database connection lost'));
    }
  }

  return {
    isLeader: () => leading,
    async start(given) {
      callbacks = given;
      await attempt();
      void loop();
    },
    async stop() {
      stopper.abort();
      await depose('stopping');
      const held = client;
      client = null;
      // Ending the session releases its advisory locks.
      await held?.end().catch(() => {});
    },
  };
}
