// Shared by the connection tests: an engine whose connections reach an emulator, page trees,
// and an OAuth installation made through the emulator's real consent and code exchange. The
// emulator is the oracle the test files create; this file only drives it.
import { randomBytes } from 'node:crypto';
import type { Client } from '@notionhq/client';
import type { Config, SourceConfig } from '../../config/index.ts';
import { createNotionOAuth, type NotionOAuth } from '../../notion/index.ts';
import { type Clock, silentLogger } from '../../shared/index.ts';
import { createEngine } from '../engine.ts';
import type { Store } from '../store-api.ts';
import { createConnectionClients } from './connection-clients.ts';

/** The parts of the emulator these helpers drive (structural: sync does not import it). */
export interface Emulator {
  baseUrl: string;
  fetch: typeof fetch;
  rootPageId: string;
  client(): Client;
  control: {
    oauth: {
      registerClient(input: { name: string; redirectUris: string[] }): {
        clientId: string;
        clientSecret: string;
      };
      consent(input: { clientId: string; redirectUri: string; state: string; pageIds: string[] }): {
        redirectUrl: string;
      };
    };
  };
}

export const KEY = randomBytes(32).toString('base64');
export const REDIRECT = 'http://127.0.0.1:9/oauth/notion/callback';
export const LIFETIME_MS = 3_600_000;
export const title = (content: string) => ({ title: { title: [{ text: { content } }] } });

function notionConfig(emu: Emulator, token?: string): Config['notion'] {
  return {
    ...(token ? { token } : {}),
    baseUrl: emu.baseUrl,
    version: '2026-03-11',
    requestsPerSecond: 100_000,
    burst: 100_000,
    maxInFlight: 8,
    timeoutMs: 60_000,
    maxRetries: 1,
  } as Config['notion'];
}

export function engineOver(
  emu: Emulator,
  store: Store,
  clock: Clock,
  sources: SourceConfig[],
  extra: { env?: Record<string, string>; oauth?: NotionOAuth; token?: string } = {},
) {
  const config = {
    notion: notionConfig(emu, extra.token),
    connections: [{ name: 'acme', tokenEnv: 'ACME_NOTION_TOKEN' }],
  };
  const connectionClients = createConnectionClients({
    store,
    config,
    env: extra.env ?? {},
    clientOptions: { fetch: emu.fetch },
    oauth: extra.oauth ?? null,
    clock,
    logger: silentLogger,
  });
  const engine = createEngine({
    config: { ...config, sources },
    store,
    clock,
    connectionClients,
  });
  return { engine, connectionClients };
}

export async function pageTree(emu: Emulator, name: string, children: number): Promise<string> {
  const root = await emu.client().pages.create({
    parent: { page_id: emu.rootPageId },
    properties: title(name),
  });
  for (let i = 0; i < children; i++) {
    await emu
      .client()
      .pages.create({ parent: { page_id: root.id }, properties: title(`${name} ${i}`) });
  }
  return root.id;
}

/** Registers an OAuth client of the app in the emulator and the NotionOAuth that uses it. */
export function registerOAuthApp(emu: Emulator, redirectUri = REDIRECT) {
  const client = emu.control.oauth.registerClient({
    name: 'Acme app',
    redirectUris: [redirectUri],
  });
  const oauth = createNotionOAuth({
    ...client,
    redirectUri,
    baseUrl: emu.baseUrl,
    fetch: emu.fetch,
  });
  return { client, oauth };
}

/** An OAuth installation of `pageId` stored in `store`, through the real consent and exchange. */
export async function installOAuth(
  emu: Emulator,
  store: Store,
  clock: Clock,
  pageIds: string | string[],
  options: { keepExpiry?: boolean } = {},
) {
  const { client, oauth } = registerOAuthApp(emu);
  const { redirectUrl } = emu.control.oauth.consent({
    clientId: client.clientId,
    redirectUri: REDIRECT,
    state: 's',
    pageIds: [pageIds].flat(),
  });
  const grant = await oauth.exchangeCode(new URL(redirectUrl).searchParams.get('code') ?? '');
  // Notion documents no lifetime: stored without one, the token is only refreshed on a 401.
  const { engine } = engineOver(emu, store, clock, [], { oauth });
  const stored = options.keepExpiry ? grant : { ...grant, expiresIn: null };
  const info = await engine.connections.install(stored, { appUser: 'u1' });
  return { oauth, info, grant };
}
