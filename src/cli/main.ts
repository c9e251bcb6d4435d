import { Command, CommanderError, Option } from 'commander';
import { listOptions } from '../config/index.ts';
import { exitCodeFor, isNotionSyncError } from '../errors.ts';
import { redactUrlCredentials } from '../shared/index.ts';
import { registerCommands } from './commands/index.ts';
import { type CliContext, type CliIO, createContext, VERSION } from './context.ts';
import { interruptedExitStatus } from './interrupt-signals.ts';

/** Commands that only read the store: in a directory without one they say so, never create it. */
const READS_ONLY = new Set(['status', 'runs', 'history', 'conflicts', 'rebind']);

/** Exit statuses (DESIGN.md §8). */
export const EXIT = { ok: 0, failed: 1, usage: 2, conflicts: 3, pending: 4 } as const;

function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    processSignals: true,
  };
}

/** Raised by a command that finished but must end with a specific status (e.g. 3). */
export class ExitStatus extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`exit ${status}`);
    this.status = status;
  }
}

export function buildProgram(io: CliIO, onContext: (ctx: CliContext) => void = () => {}): Command {
  const program = new Command('notion-sync');
  let ctx: CliContext | undefined;
  const context = () => {
    if (!ctx) {
      ctx = createContext(program, io);
      onContext(ctx);
    }
    return ctx;
  };
  program
    .description('Keep Notion databases and pages in sync with a local, versioned store.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .option(
      '-c, --config <file>',
      'config file (default: notion-sync.config.yaml|.yml|.json in the working directory)',
    )
    .option('--json', 'print machine-readable JSON on stdout')
    .option('-q, --quiet', 'print only errors')
    .option('-v, --verbose', 'print debug logs')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)');
  for (const entry of listOptions()) {
    if (!entry.flag) continue;
    const envNote = entry.spec.env ? ` [env: ${entry.spec.env}]` : '';
    program.addOption(new Option(`${entry.flag} <value>`, `${entry.spec.description}${envNote}`));
  }
  program
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run notion-sync --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
    });
  registerCommands(program, context);
  program.hook('preAction', (_root, action) => {
    let top = action;
    while (top.parent && top.parent !== program) top = top.parent;
    if (READS_ONLY.has(top.name())) context().storeMustExist = true;
  });
  for (const command of program.commands) {
    command.exitOverride().showSuggestionAfterError(true);
    for (const sub of command.commands) sub.exitOverride().showSuggestionAfterError(true);
  }
  return program;
}

/**
 * Runs the CLI and returns its exit status. The single error boundary: commands throw, this
 * prints and maps to 0 ok, 1 failed, 2 usage or config error, 3 unresolved conflicts, 4 a plan
 * with pending changes (`init --plan`, `restore` without `--yes`).
 */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  let ctx: CliContext | undefined;
  const program = buildProgram(io, (c) => {
    ctx = c;
  });
  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io, ctx);
  } finally {
    ctx?.dispose();
  }
}

function reportError(error: unknown, io: CliIO, ctx: CliContext | undefined): number {
  if (error instanceof ExitStatus) return error.status;
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
      return EXIT.ok;
    if (error.code === 'commander.help') return EXIT.ok;
    return EXIT.usage;
  }
  const json = ctx?.json ?? false;
  // Errors quote what they were given (URLs, driver messages): no URL password gets through.
  const stdout = (text: string) => io.stdout.write(redactUrlCredentials(text));
  const stderr = (text: string) => io.stderr.write(redactUrlCredentials(text));
  if (isNotionSyncError(error)) {
    if (json) stdout(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
    stderr(`error: ${error.message}\n`);
    if (ctx?.verbose && error.cause) stderr(`cause: ${String(error.cause)}\n`);
    if (error.code === 'run_interrupted') return interruptedExitStatus(ctx?.runSignal().reason);
    return exitCodeFor(error.code);
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) stdout(`${JSON.stringify({ error: { code: 'internal', message } }, null, 2)}\n`);
  stderr(`error: unexpected failure: ${message}\n`);
  if (ctx?.verbose && error instanceof Error && error.stack) stderr(`${error.stack}\n`);
  else stderr('(run again with --verbose for the stack trace)\n');
  return EXIT.failed;
}
