// The write faults the two-way property tests inject (DESIGN.md §7: the emulator's fault rules),
// and the engine's connection to a faulty emulator: a clock whose `sleep` moves the manual clock
// on (Retry-After waits cost no wall time) and few retries, so faults reach the engine. The
// emulator is taken structurally (sync's layering).
import { createNotionClient, type NotionClient } from '../../notion/index.ts';
import type { Clock, ManualClock } from '../../shared/index.ts';
import type { EmulatorEndpoint } from './pull-harness.ts';

/** The emulator's fault rule (src/emulator/faults.ts), as far as these tests use it. */
export interface FaultRule {
  route: string;
  status?: 503 | 529;
  applyThenFail?: 504 | 'reset';
  probability: number;
}

export type WriteFault = 'none' | 'apply-504' | 'apply-reset' | '503' | '529';

export const WRITE_FAULTS: readonly WriteFault[] = [
  'none',
  'apply-504',
  'apply-reset',
  '503',
  '529',
];

export const FAULT_RULES: Record<WriteFault, FaultRule[]> = {
  none: [],
  'apply-504': [
    { route: 'POST /v1/pages', applyThenFail: 504, probability: 0.5 },
    { route: 'PATCH /v1/pages/{id}', applyThenFail: 504, probability: 0.5 },
    { route: 'POST /v1/pages/{id}/move', applyThenFail: 504, probability: 0.5 },
  ],
  'apply-reset': [
    { route: 'POST /v1/pages', applyThenFail: 'reset', probability: 0.5 },
    { route: 'PATCH /v1/pages/{id}', applyThenFail: 'reset', probability: 0.5 },
    { route: 'POST /v1/pages/{id}/move', applyThenFail: 'reset', probability: 0.5 },
  ],
  '503': [
    { route: 'POST /v1/pages', status: 503, probability: 0.5 },
    { route: 'PATCH /v1/pages/{id}', status: 503, probability: 0.5 },
    { route: 'POST /v1/pages/{id}/move', status: 503, probability: 0.5 },
    { route: 'GET /v1/blocks/{id}/children', status: 503, probability: 0.3 },
  ],
  '529': [{ route: '/v1/', status: 529, probability: 0.2 }],
};

export function autoClock(clock: ManualClock): Clock {
  return { now: () => clock.now(), sleep: (ms) => clock.advance(ms) };
}

/** The engine's client for a faulty emulator: no pacing to speak of, 2 retries, the manual clock. */
export function faultyClient(emu: EmulatorEndpoint, clock: ManualClock): NotionClient {
  return createNotionClient({
    token: emu.token,
    baseUrl: emu.baseUrl,
    fetch: emu.fetch,
    pacing: { requestsPerSecond: 100_000, burst: 100_000, maxInFlight: 4 },
    maxRetries: 2,
    retryBaseDelayMs: 1,
    clock: autoClock(clock),
  });
}
