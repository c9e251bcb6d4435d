/** Stops V8's young generation growing past 16 MiB unless the user sized it; true when armed. */
export function capYoungGeneration(): boolean;
