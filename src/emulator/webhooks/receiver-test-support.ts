// A webhook receiver on a real socket for tests: records every request and answers with the
// statuses it is given (the last one repeats); `hang` holds requests without answering.

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as sent (signatures are over these bytes). */
  body: string;
  json: Record<string, unknown>;
}

export interface TestReceiver {
  url: string;
  received: ReceivedRequest[];
  /** Deliveries only (the verification handshake left out). */
  events(): Record<string, unknown>[];
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void>;
  /** Answers held requests (with `hang`) with 200. */
  release(): void;
  close(): Promise<void>;
}

export async function startTestReceiver(
  options: { statuses?: number[]; hang?: boolean } = {},
): Promise<TestReceiver> {
  const received: ReceivedRequest[] = [];
  const held: ServerResponse[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  const statuses = options.statuses ?? [200];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body, json: JSON.parse(body || '{}') });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      if (options.hang) held.push(res);
      else res.writeHead(status).end();
      const ready = waiters.filter((w) => received.length >= w.count);
      waiters = waiters.filter((w) => received.length < w.count);
      for (const w of ready) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    events: () => received.map((r) => r.json).filter((j) => !('verification_token' in j)),
    waitFor: (count) =>
      received.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    release() {
      for (const res of held.splice(0)) res.writeHead(200).end();
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of held.splice(0)) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
