/**
 * After `afterMs` (250 ms by default), shrinks the heap once and stops V8's young generation growing
 * past 16 MiB, unless the user sized it; true when armed.
 */
export function capYoungGeneration(afterMs?: number): boolean;
