// SIGINT/SIGTERM during a run: the first signal aborts the run's AbortSignal, so the engine stops
// at its next safe point (checkpoint kept, run `interrupted`, lease released) and the CLI exits
// 128 + the signal number (130 for SIGINT, 143 for SIGTERM); a second signal exits at once.
// Installed only by commands that run a pull/push/sync, and removed when the CLI returns.
import { constants } from 'node:os';

export interface InterruptWiring {
  readonly signal: AbortSignal;
  dispose(): void;
}

const HANDLED = ['SIGINT', 'SIGTERM'] as const;

/** The exit status for a run interrupted by `reason` (a signal name), or 1 for any other reason. */
export function interruptedExitStatus(reason: unknown): number {
  if (reason === 'SIGINT' || reason === 'SIGTERM') return 128 + constants.signals[reason];
  return 1;
}

/** Wires the process's SIGINT and SIGTERM to a fresh AbortSignal. */
export function wireProcessSignals(stderr: { write(text: string): unknown }): InterruptWiring {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(interruptedExitStatus(name));
    stderr.write(
      `\nnotion-sync: ${name} received — stopping after the current batch (send it again to quit at once).\n`,
    );
    controller.abort(name);
  };
  for (const name of HANDLED) process.on(name, handler);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of HANDLED) process.off(name, handler);
    },
  };
}
