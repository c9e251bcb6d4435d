import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  type Config,
  type LoadConfigResult,
  listOptions,
  loadConfig,
  readConfig,
} from '../config/index.ts';
import { createLogger, type Logger, type LogLevel, redactUrlCredentials } from '../shared/index.ts';
import { type InterruptWiring, wireProcessSignals } from './interrupt-signals.ts';

/** What a CLI run reads from and writes to; tests pass their own. */
export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Answers to prompts (`conflictPolicy: prompt`); absent in tests and pipes. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Interrupts runs (tests pass their own); without it, see `processSignals`. */
  signal?: AbortSignal;
  /** Wire SIGINT/SIGTERM to runs (the real process only). */
  processSignals?: boolean;
}

export interface GlobalOptions {
  config?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  [flag: string]: unknown;
}

/** Everything a command needs, derived once from the global flags. */
export interface CliContext {
  io: CliIO;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
  isTTY: boolean;
  /** The validated config; throws `config_invalid` with every problem listed. */
  config(): Config;
  /** The raw load result, for `config check`, which reports rather than throws. */
  loadConfig(): LoadConfigResult;
  configFile(): string | undefined;
  logger(): Logger;
  out(text: string): void;
  err(text: string): void;
  /** Prints `value` as one JSON document on stdout. */
  printJson(value: unknown): void;
  /** The signal that interrupts a run (SIGINT/SIGTERM of the process, or the IO's own). */
  runSignal(): AbortSignal;
  /** Removes the process signal handlers `runSignal` installed. */
  dispose(): void;
  /** Set for commands that only read the store: they never create one (`store_missing`). */
  storeMustExist: boolean;
}

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

function flagValues(options: GlobalOptions): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const entry of listOptions()) {
    if (!entry.flag) continue;
    const attribute = entry.flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = options[attribute];
    if (typeof value === 'string') values[entry.key] = value;
  }
  return values;
}

export function createContext(program: Command, io: CliIO): CliContext {
  const options = program.opts<GlobalOptions>();
  const isTTY = Boolean(io.stdout.isTTY);
  const color = options.color !== false && !io.env.NO_COLOR && Boolean(io.stderr.isTTY);
  const loadOptions = () => ({
    cwd: io.cwd,
    configPath: options.config,
    env: io.env,
    flags: flagValues(options),
  });
  let cached: { config: Config; file: string | undefined } | undefined;
  let logger: Logger | undefined;
  let wiring: InterruptWiring | undefined;
  const context: CliContext = {
    io,
    json: Boolean(options.json),
    quiet: Boolean(options.quiet),
    verbose: Boolean(options.verbose),
    color,
    isTTY,
    config() {
      cached ??= readConfig(loadOptions());
      return cached.config;
    },
    loadConfig: () => loadConfig(loadOptions()),
    configFile() {
      cached ??= readConfig(loadOptions());
      return cached.file;
    },
    logger() {
      if (!logger) {
        let level: LogLevel = cached?.config.log.level ?? 'info';
        if (options.verbose) level = 'debug';
        if (options.quiet) level = 'error';
        logger = createLogger({ level, pretty: Boolean(io.stderr.isTTY), color });
      }
      return logger;
    },
    // Everything a command prints passes the URL redaction (a store URL, a baseUrl in an error).
    out: (text) =>
      void io.stdout.write(redactUrlCredentials(text.endsWith('\n') ? text : `${text}\n`)),
    err: (text) =>
      void io.stderr.write(redactUrlCredentials(text.endsWith('\n') ? text : `${text}\n`)),
    printJson: (value) =>
      void io.stdout.write(redactUrlCredentials(`${JSON.stringify(value, null, 2)}\n`)),
    runSignal() {
      if (io.signal) return io.signal;
      if (!io.processSignals) return new AbortController().signal;
      wiring ??= wireProcessSignals(io.stderr);
      return wiring.signal;
    },
    dispose: () => wiring?.dispose(),
    storeMustExist: false,
  };
  return context;
}
