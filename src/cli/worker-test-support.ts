// Real processes for the distributed runner's tests: a PostgreSQL database of the test's own on
// the test run's server, a workspace whose config points at it, and `serve` / `worker` children
// that report their URL on stdout (`--json`) and can be stopped or killed.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN = new URL('../../bin/notion-sync.js', import.meta.url).pathname;

/** A fresh database on the server of `serverUrl`; its URL. */
export async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `ns_worker_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface Child {
  child: ChildProcess;
  /** The URL the process printed (its listener). */
  listening: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): { stdout: string; stderr: string };
}

/** Runs `notion-sync <args> --json` in `cwd` and resolves `listening` with the URL it prints. */
export function startCli(cwd: string, env: Record<string, string>, args: string[]): Child {
  const child = spawn(process.execPath, [BIN, ...args, '--json'], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /"url": "([^"]+)"/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then(({ code }) => reject(new Error(`${args[0]} exited ${code}: ${stderr}`)));
  });
  listening.catch(() => {});
  return { child, listening, exited, output: () => ({ stdout, stderr }) };
}

/** A temp directory with `config` as its notion-sync.config.yaml. */
export function configDir(config: string): string {
  const cwd = mkdtempSync(join(tmpdir(), 'ns-worker-'));
  writeFileSync(join(cwd, 'notion-sync.config.yaml'), config);
  return cwd;
}

/**
 * Polls `probe` every 100 ms until it returns a value other than undefined; a probe that throws
 * (its connection was just cut) is asked again.
 */
export async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 120_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
