import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIO } from './context.ts';
import { runCli } from './main.ts';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output (the `*.e2e.test.ts` files spawn it instead). */
export async function runCliCaptured(
  argv: string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    /** Answers to prompts (a stream marked as a TTY to get prompts). */
    stdin?: CliIO['stdin'];
  } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    ...(options.stdin ? { stdin: options.stdin } : {}),
  };
  const status = await runCli(argv, io);
  return { status, stdout, stderr };
}

/**
 * A workspace for a CLI test against a standalone emulator: a temp dir holding `config` (YAML) as
 * notion-sync.config.yaml, and a runner with the emulator's token and URL and pacing off.
 */
export function emulatorWorkspace(
  emulator: { token: string; baseUrl: string },
  config: (cwd: string) => string,
  extraEnv: Record<string, string> = {},
): { cwd: string; cli: (argv: string[]) => Promise<CliRun> } {
  const cwd = mkdtempSync(join(tmpdir(), 'ns-cli-'));
  writeFileSync(join(cwd, 'notion-sync.config.yaml'), config(cwd));
  const env = {
    NOTION_TOKEN: emulator.token,
    NOTION_BASE_URL: emulator.baseUrl,
    NOTION_SYNC_RPS: '1000',
    NOTION_SYNC_BURST: '1000',
    ...extraEnv,
  };
  return { cwd, cli: (argv) => runCliCaptured(argv, { cwd, env }) };
}
