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
