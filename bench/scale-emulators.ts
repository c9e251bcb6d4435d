// The Notion side of `npm run bench:scale`: W emulated workspaces, each its own emulator with
// its own integration limited to 3 requests/s (burst 10, Notion's "short bursts" tolerance) and a
// workspace limit of 3 requests/s, behind ONE local port. A request goes to the workspace whose
// integration token it carries, the way api.notion.com routes by token.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createEmulator, type Emulator } from '../src/emulator/index.ts';
import { createBenchSource } from './bench-source.ts';

export interface BenchWorkspace {
  name: string;
  emu: Emulator;
  token: string;
  /** Data sources seeded in it, by name. */
  dataSources: Record<string, string>;
}

export interface BenchEmulators {
  baseUrl: string;
  workspaces: BenchWorkspace[];
  /** Requests each workspace answered since the last `clearLogs`, and how many were 429s. */
  counts(): { name: string; calls: number; rateLimited: number }[];
  clearLogs(): void;
  close(): Promise<void>;
}

/** Starts `count` workspaces; `seed(i)` names the data sources of workspace i and their sizes. */
export async function startBenchEmulators(
  count: number,
  seed: (index: number) => Record<string, number>,
): Promise<BenchEmulators> {
  const byToken = new Map<string, Emulator>();
  const workspaces: BenchWorkspace[] = [];
  for (let i = 0; i < count; i++) {
    const emu = await createEmulator({
      rateLimit: { requestsPerSecond: 3, burst: 10, workspaceRequestsPerSecond: 3 },
    });
    const dataSources: Record<string, string> = {};
    for (const [name, rows] of Object.entries(seed(i))) {
      dataSources[name] = await createBenchSource(emu, rows, 100);
    }
    byToken.set(emu.token, emu);
    workspaces.push({ name: `ws${i + 1}`, emu, token: emu.token, dataSources });
  }
  const router = new Hono();
  router.all('*', async (c): Promise<Response> => {
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const emu = token ? byToken.get(token) : undefined;
    if (!emu)
      return Response.json({ object: 'error', status: 401, code: 'unauthorized' }, { status: 401 });
    return emu.fetch(c.req.raw);
  });
  const server = serve({ fetch: router.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    workspaces,
    counts: () =>
      workspaces.map((w) => {
        const log = w.emu.control.requestLog();
        return {
          name: w.name,
          calls: log.length,
          rateLimited: log.filter((e) => e.status === 429).length,
        };
      }),
    clearLogs: () => {
      for (const w of workspaces) w.emu.control.clearRequestLog();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
