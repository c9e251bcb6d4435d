// Browser tests drive Debian's Chromium through playwright-core (which downloads no browser).
// Where no Chromium is installed, the browser tests — and only those — are skipped, with a
// warning nobody can miss; CI (.ci/run) installs the `chromium` package so they always run.

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

const DEFAULT_PATH = '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`, when the file exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env.CHROMIUM_PATH || DEFAULT_PATH;
  return existsSync(path) ? path : undefined;
}

let warned = false;

/** True when a Chromium is installed; otherwise prints (once) that browser tests are skipped. */
export function chromiumAvailable(): boolean {
  if (findChromium()) return true;
  if (!warned) {
    warned = true;
    const line = '!'.repeat(78);
    console.warn(
      `\n${line}\n!! NO CHROMIUM: browser tests are SKIPPED. Install Debian's \`chromium\` package\n!! (apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary.\n${line}\n`,
    );
  }
  return false;
}

export interface ChromiumSession {
  context: BrowserContext;
  newPage(): Promise<Page>;
  /** Closes the browser and deletes its user-data directory. */
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh user-data directory. */
export async function launchChromium(): Promise<ChromiumSession> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error(
      `No Chromium at ${process.env.CHROMIUM_PATH || DEFAULT_PATH}; set CHROMIUM_PATH.`,
    );
  const userDataDir = await mkdtemp(join(tmpdir(), 'chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: ARGS,
    });
    return {
      context,
      newPage: () => context.newPage(),
      async close() {
        await context.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
