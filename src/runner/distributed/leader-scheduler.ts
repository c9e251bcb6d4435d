// Schedules with several `serve` instances: every instance runs a scheduler, but only the one
// elected through PostgreSQL plans and fires (sending jobs to the queue), so each slot fires
// once across instances. A newly elected leader starts a fresh scheduler, which reads the last
// scheduled run of each source from the store: slots missed during the handover run once.
import type { Scheduler } from '../scheduler.ts';
import type { Leadership } from './leadership.ts';

export function createLeaderScheduler(
  leadership: Leadership,
  createScheduler: () => Scheduler,
): Scheduler {
  let current: Scheduler | null = null;
  return {
    async start() {
      await leadership.start({
        elected: async () => {
          current = createScheduler();
          await current.start();
        },
        deposed: async () => {
          const stopping = current;
          current = null;
          await stopping?.stop();
        },
      });
    },
    async stop() {
      await leadership.stop();
    },
    list: () => current?.list() ?? [],
    refresh: async () => {
      await current?.refresh();
    },
  };
}
