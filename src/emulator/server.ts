import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { RESET_MARKER } from './app.ts';

export interface ListenOptions {
  port?: number;
  host?: string;
}

export interface RunningServer {
  baseUrl: string;
  close(): Promise<void>;
}

/** Serves the app on a real socket; a "reset" fault destroys the client's connection. */
export function listenApp(app: Hono, options: ListenOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        port: options.port ?? 0,
        hostname: host,
        fetch: async (request, env) => {
          const response = await app.fetch(request, env);
          if (response.headers.get(RESET_MARKER) && 'outgoing' in env) {
            env.outgoing.socket?.destroy();
          }
          return response;
        },
      },
      (info: AddressInfo) => {
        const shownHost = host.includes(':') ? `[${host}]` : host;
        resolve({
          baseUrl: `http://${shownHost}:${info.port}`,
          close: () =>
            new Promise<void>((done) => {
              if ('closeAllConnections' in server) server.closeAllConnections();
              server.close(() => done());
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
