// Surface of src/emulator/ for other folders and for `notion-sync/emulator` (DESIGN.md §3, §7).

export { type Clock, createManualClock, type ManualClock } from '../shared/index.ts';
export type { RequestLogEntry } from './app.ts';
export type { EmulatorClockControl, EmulatorControl, EmulatorSnapshot } from './control.ts';
export { createEmulator, type Emulator, type EmulatorOptions } from './emulator.ts';
export type { FaultRule } from './faults.ts';
export type { RateLimitOptions } from './rate-limiter.ts';
export { type DemoWorkspace, seedDemoWorkspace } from './seed-demo.ts';
export type { RunningServer } from './server.ts';
export type { NotionVersion, WorkspaceState } from './state.ts';
